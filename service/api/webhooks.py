"""Events from the payment provider (signed; each processed once)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool

from service.api.contract import refusals
from service.api.deps import PlatformDep
from service.api.responses import ReceivedAnswer

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


@router.post(
    "/payments",
    summary="Receive an event from the payment provider",
    response_model=ReceivedAnswer,
    responses=refusals(400, 401, 409, 503),
    # The body is read as bytes (its signature covers them exactly), so it is documented here.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "The provider's signed event."}
                }
            },
        }
    },
)
async def payment_event(
    request: Request,
    platform: PlatformDep,
    stripe_signature: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    payload = await request.body()
    await run_in_threadpool(platform.payment_events.receive, payload, stripe_signature)
    return {"received": True}
