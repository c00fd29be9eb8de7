"""Operators' calls for the checkout abandonment job: run it now (with a given "now") and read
a run's record. Merchants' tokens are not operators' tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from service.api.contract import refusals
from service.api.deps import PlatformDep
from service.api.responses import AbandonmentRunAnswer
from service.core.errors import not_found

router = APIRouter(prefix="/api/operator/abandonment", tags=["operators"])
_bearer = HTTPBearer(auto_error=False, description="The operator token (OPERATOR_TOKEN).")


class RunBody(BaseModel):
    """An on-demand run: its "now" (required: the caller says what time it is, as scenarios
    and operators replaying a missed run must), perhaps only some merchants."""

    model_config = ConfigDict(extra="forbid")
    now: AwareDatetime
    organisation_ids: Annotated[list[UUID], Field(min_length=1, max_length=1000)] | None = None


async def require_operator(
    platform: PlatformDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    platform.operators.authenticate(credentials.credentials if credentials else None)


Operator = Depends(require_operator)


def _shown(record: dict[str, Any]) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.astimezone(UTC).isoformat() if value else None

    return {
        "id": record["id"],
        "now": when(record["run_now"]),
        "scope": record["scope"],
        "started_at": when(record["started_at"]),
        "finished_at": when(record["finished_at"]),
        "processed": record["processed"],
        "sent": record["sent"],
        "skipped": record["skipped"],
        "failed": record["failed"],
        "errors": record["errors"],
    }


@router.post(
    "/runs",
    status_code=201,
    dependencies=[Operator],
    summary="Run the job now",
    response_model=AbandonmentRunAnswer,
)
async def run(body: RunBody, platform: PlatformDep) -> dict[str, Any]:
    record = await run_in_threadpool(platform.abandonment.run, body.now, body.organisation_ids)
    return _shown(record)


@router.get(
    "/runs/{run_id}",
    dependencies=[Operator],
    summary="What a run of the job did",
    response_model=AbandonmentRunAnswer,
    responses=refusals(404),
)
def run_record(
    run_id: Annotated[int, Path(ge=1, le=2**63 - 1)], platform: PlatformDep
) -> dict[str, Any]:
    record = platform.abandonment.store.run(run_id)
    if record is None:
        raise not_found("There is no run with that number.")
    return _shown(record)
