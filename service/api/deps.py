"""Request dependencies: the component container and the signed-in principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from service.domain.access import Principal
from service.platform import Platform

_bearer = HTTPBearer(auto_error=False, description="The access token from login.")


def get_platform(request: Request) -> Platform:
    return request.app.state.platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


async def get_principal(
    platform: PlatformDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    token = credentials.credentials if credentials else None
    return await run_in_threadpool(platform.accounts.authenticate, token)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
