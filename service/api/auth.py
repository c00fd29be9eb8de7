"""Sign-up, login and the signed-in user's own profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.responses import ProfileAnswer, SignedUpAnswer, TokenAnswer
from service.api.schemas import LogInBody, SignUpBody
from service.core.errors import ApiError

router = APIRouter(prefix="/api", tags=["accounts"])


@router.post(
    "/auth/signup",
    status_code=201,
    summary="Sign a merchant up",
    response_model=SignedUpAnswer,
    responses=refusals(409, 429),
)
def sign_up(body: SignUpBody, platform: PlatformDep, request: Request) -> dict[str, Any]:
    result = platform.sign_up_limits.guard(
        _client_address(request),
        lambda: platform.accounts.sign_up(body.email, body.password, body.business_name),
    )
    return {
        "organisation": {"id": str(result.organisation.id), "name": result.organisation.name},
        "user": {"id": str(result.user.id), "email": result.user.email, "role": result.user.role},
    }


@router.post(
    "/auth/login",
    summary="Exchange email and password for an access token",
    response_model=TokenAnswer,
    responses=refusals(401, 429),
)
def log_in(body: LogInBody, platform: PlatformDep, request: Request) -> dict[str, Any]:
    try:
        email = platform.accounts.sign_in_address(body.email)
    except ValueError:
        raise ApiError(
            401, "invalid_credentials", "The email address or password is not correct."
        ) from None
    issued = platform.sign_in_limits.guard(
        email, _client_address(request), lambda: platform.accounts.log_in(email, body.password)
    )
    return {
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
    }


@router.get(
    "/me", summary="The signed-in user and their organisation", response_model=ProfileAnswer
)
def me(principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    user, org = platform.accounts.profile(principal)
    return {
        "user": {"id": str(user.id), "email": user.email, "role": principal.role},
        "organisation": {
            "id": str(org.id),
            "name": org.name,
            "business_name": org.business_name,
            "category": org.category,
        },
    }


def _client_address(request: Request) -> str:
    """The TCP peer: no forwarded-for header is trusted (see the contract)."""
    return request.client.host if request.client else "unknown"
