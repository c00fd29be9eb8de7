"""GET /health: whether the database and Redis answer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.deps import PlatformDep
from service.api.responses import HealthAnswer

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    summary="Whether the service, its database and Redis are up",
    response_model=HealthAnswer,
    responses={
        503: {"model": HealthAnswer, "description": "A part is down: do not send merchants here."}
    },
)
def health(platform: PlatformDep) -> JSONResponse:
    status, body = platform.health.answer()
    return JSONResponse(body, status_code=status)
