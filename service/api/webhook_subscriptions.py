"""Webhooks out: merchants' subscriptions and their deliveries, and the operator's worker run."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.responses import (
    DeliveriesAnswer,
    DeliveryRunAnswer,
    NewSubscriptionAnswer,
    SubscriptionAnswer,
    SubscriptionsAnswer,
)
from service.api.schemas import DeliveryRunBody, SubscriptionBody
from service.domain.access import Action
from service.stores.webhooks import Delivery

router = APIRouter(tags=["webhooks out"])
_operator_bearer = HTTPBearer(auto_error=False, description="The operator token.")


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _delivery(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": str(delivery.id),
        "event_id": str(delivery.event_id),
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": _when(delivery.next_attempt_at),
        "history": [
            {
                "attempted_at": _when(attempt.attempted_at),
                "status_code": attempt.status_code,
                "answer": attempt.answer,
            }
            for attempt in delivery.history
        ],
    }


@router.post(
    "/api/webhooks/subscriptions",
    status_code=201,
    summary="Subscribe an HTTPS endpoint to events (owner or admin); the secret is shown once",
    response_model=NewSubscriptionAnswer,
    responses=refusals(403),
)
def subscribe(
    body: SubscriptionBody, principal: PrincipalDep, platform: PlatformDep
) -> dict[str, Any]:
    platform.access.require(principal, Action.MANAGE_WEBHOOKS)
    created = platform.webhooks.subscribe(principal.org_id, body.url, body.event_types)
    return {**platform.webhooks.shown(created), "secret": created.secret}


@router.get(
    "/api/webhooks/subscriptions",
    summary="The merchant's webhook subscriptions",
    response_model=SubscriptionsAnswer,
)
def subscriptions(principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    found = platform.webhooks.subscriptions(principal.org_id)
    return {"subscriptions": [platform.webhooks.shown(s) for s in found]}


@router.get(
    "/api/webhooks/subscriptions/{subscription_id}",
    summary="One webhook subscription",
    response_model=SubscriptionAnswer,
    responses=refusals(404),
)
def subscription(
    subscription_id: uuid.UUID, principal: PrincipalDep, platform: PlatformDep
) -> dict[str, Any]:
    found = platform.webhooks.subscription(principal.org_id, subscription_id)
    return platform.webhooks.shown(found)


@router.get(
    "/api/webhooks/subscriptions/{subscription_id}/deliveries",
    summary="A subscription's deliveries with their attempts, answers and next attempt",
    response_model=DeliveriesAnswer,
    responses=refusals(404),
)
def deliveries(
    subscription_id: uuid.UUID, principal: PrincipalDep, platform: PlatformDep
) -> dict[str, Any]:
    found = platform.webhooks.deliveries(principal.org_id, subscription_id)
    return {"deliveries": [_delivery(delivery) for delivery in found]}


@router.post(
    "/api/operator/webhook-deliveries/run",
    summary="Run the delivery worker now, as of the given time (operators only)",
    response_model=DeliveryRunAnswer,
)
def run_deliveries(
    body: DeliveryRunBody,
    platform: PlatformDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_operator_bearer)],
) -> dict[str, Any]:
    platform.operators.authenticate(credentials.credentials if credentials else None)
    result = platform.webhooks.deliver_due(body.now, body.organisation_ids)
    return {
        "processed": result.processed,
        "delivered": result.delivered,
        "retrying": result.retrying,
        "failed": result.failed,
    }
