"""Team members of the signed-in user's organisation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.responses import UserAnswer
from service.api.schemas import NewMemberBody
from service.domain.access import Action
from service.stores.accounts import User

router = APIRouter(prefix="/api/team", tags=["team"])


def _member(user: User) -> dict[str, Any]:
    return {"id": str(user.id), "email": user.email, "role": user.role}


@router.post(
    "/members",
    status_code=201,
    summary="Add a team member (owner or admin)",
    response_model=UserAnswer,
    responses=refusals(403, 409),
)
def add_member(
    body: NewMemberBody, principal: PrincipalDep, platform: PlatformDep
) -> dict[str, Any]:
    platform.access.require(principal, Action.MANAGE_TEAM)
    return _member(platform.team.add_member(principal, body.email, body.password, body.role))


@router.get(
    "/members/{member_id}",
    summary="One team member of your organisation",
    response_model=UserAnswer,
    responses=refusals(404),
)
def get_member(member_id: str, principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    return _member(platform.team.get_member(principal, member_id))
