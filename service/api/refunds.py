"""Refunds of a paid order, whole or in part."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.orders import order_id_of
from service.api.responses import RefundAnswer
from service.api.schemas import RefundBody
from service.domain.access import Action

router = APIRouter(tags=["refunds"])


@router.post(
    "/api/orders/{order_id}/refunds",
    status_code=201,
    summary="Refund an order (owner or admin)",
    response_model=RefundAnswer,
    responses=refusals(403, 404, 409, 502, 503),
)
def refund(
    order_id: str, principal: PrincipalDep, platform: PlatformDep, body: RefundBody | None = None
) -> dict[str, Any]:
    platform.access.require(principal, Action.REFUND_ORDER)
    wanted = None
    if body is not None and body.items is not None:
        wanted = {line.sku: line.quantity for line in body.items}
    done = platform.refunds.refund(principal.org_id, order_id_of(order_id), wanted)
    return {
        "id": str(done.id),
        "order_id": str(done.order_id),
        "amount_pence": done.amount_pence,
        "items": [{"sku": sku, "quantity": n} for sku, n in sorted(done.items.items())],
        "created_at": done.created_at.astimezone(UTC).isoformat(),
    }
