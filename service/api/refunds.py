"""Refunds of a paid order, whole or in part."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.idempotency import IdempotencyKeyDep, respond
from service.api.orders import order_id_of
from service.api.responses import RefundAnswer
from service.api.schemas import RefundBody
from service.domain.access import Action
from service.domain.idempotency import Answer
from service.stores.refunds import Refund

router = APIRouter(tags=["refunds"])


@router.post(
    "/api/orders/{order_id}/refunds",
    status_code=201,
    summary="Refund an order (owner or admin)",
    response_model=RefundAnswer,
    responses=refusals(403, 404, 409, 502, 503),
)
def refund(
    order_id: str,
    principal: PrincipalDep,
    platform: PlatformDep,
    body: RefundBody | None = None,
    key: IdempotencyKeyDep = None,
) -> JSONResponse:
    platform.access.require(principal, Action.REFUND_ORDER)
    wanted = None
    if body is not None and body.items is not None:
        wanted = {line.sku: line.quantity for line in body.items}
    order = order_id_of(order_id)

    def make() -> Answer:
        done = platform.refunds.refund(principal.org_id, order, wanted, key)
        return Answer(201, refund_answer(done))

    request = {"order_id": str(order), "items": wanted}
    return respond(platform.idempotency.run(principal.org_id, key, "refund", request, make))


def refund_answer(done: Refund) -> dict[str, Any]:
    return {
        "id": str(done.id),
        "order_id": str(done.order_id),
        "amount_pence": done.amount_pence,
        "items": [{"sku": sku, "quantity": n} for sku, n in sorted(done.items.items())],
        "created_at": done.created_at.astimezone(UTC).isoformat(),
    }
