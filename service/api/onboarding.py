"""The onboarding wizard: telemetry events, status and completion."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.idempotency import IdempotencyKeyDep, respond
from service.api.responses import (
    AcceptedAnswer,
    CompletionAnswer,
    OnboardingStatusAnswer,
    PhoneNumberAnswer,
)
from service.api.schemas import CompletionBody, EventBody
from service.domain.access import Action
from service.domain.idempotency import Answer

router = APIRouter(prefix="/api/onboarding", tags=["onboarding"])


@router.post(
    "/events",
    status_code=202,
    summary="Record a wizard event (fire and forget)",
    response_model=AcceptedAnswer,
)
def record_event(body: EventBody, principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    platform.onboarding.record_event(principal.org_id, body.event_name, body.step_index)
    return {"accepted": True}


@router.get(
    "/status",
    summary="Whether the merchant still needs onboarding",
    response_model=OnboardingStatusAnswer,
)
def status(principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    return {"needs_onboarding": platform.onboarding.needs_onboarding(principal.org_id)}


@router.post(
    "/complete",
    summary="Finish onboarding (owner or admin)",
    response_model=CompletionAnswer,
    responses=refusals(403, 404),
)
def complete(
    body: CompletionBody, principal: PrincipalDep, platform: PlatformDep
) -> dict[str, Any]:
    platform.access.require(principal, Action.COMPLETE_ONBOARDING)
    record = platform.onboarding.complete(principal.org_id, body.business_name, body.category)
    return {
        "completed": True,
        "completed_at": record.completed_at.astimezone(UTC).isoformat(),
        "business_name": record.business_name,
        "category": record.category,
    }


@router.post(
    "/provision-number",
    summary="Get the dedicated phone number, paid from the wallet",
    response_model=PhoneNumberAnswer,
    responses=refusals(402, 403, 409, 502, 503),
)
def provision_number(
    principal: PrincipalDep, platform: PlatformDep, key: IdempotencyKeyDep = None
) -> JSONResponse:
    platform.access.require(principal, Action.PROVISION_NUMBER)

    def provision() -> Answer:
        number, charged = platform.phone_numbers.provision(principal.org_id)
        return Answer(200, {"phone_number": number.e164, "newly_provisioned": charged})

    return respond(platform.idempotency.run(principal.org_id, key, "phone-number", None, provision))
