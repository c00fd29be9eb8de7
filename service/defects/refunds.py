"""Defects of refunds: amounts, quantities, stock, status, tenancy and the provider's answer."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import psycopg

from service.defects.base import Defect
from service.domain.access import AccessPolicy, Action
from service.domain.idempotency import Answer, IdempotentRequests
from service.domain.refunds import Refunds
from service.providers.payments import PaymentProvider
from service.stores.orders import Order, OrderItem
from service.stores.refunds import Refund, RefundStore


class PartialRefundMarksOrderRefunded(Refunds):
    def _status_after(self, order: Order, units_left: int) -> str:
        return "refunded"


class EarlierRefundsIgnored(Refunds):
    def _refundable(self, item: OrderItem) -> int:
        return item.quantity


class UnpaidOrderRefundable(Refunds):
    def _refundable_order(self, order: Order) -> bool:
        return True


class OtherMerchantsOrderRefundable(Refunds):
    """Finds the order wherever it is, and refunds it as the merchant that owns it."""

    def _scope(self, org_id: uuid.UUID, order_id: uuid.UUID) -> uuid.UUID:
        with self.store.db.owner() as conn:
            row = conn.execute("select org_id from orders where id = %s", (order_id,)).fetchone()
        return row["org_id"] if row else org_id


class RefundRecordedWhenProviderRefuses(Refunds):
    def _refused_by_provider(self) -> str:
        return "re_not_confirmed"


class RefundRestoresNoStock(RefundStore):
    def restore_stock(self, conn: psycopg.Connection, org_id: uuid.UUID, sku: str, n: int) -> None:
        return None


class RefundAmountInPounds(PaymentProvider):
    def _refund_params(
        self, intent_id: str, amount_pence: int, metadata: dict[str, str]
    ) -> dict[str, Any]:
        params = super()._refund_params(intent_id, amount_pence, metadata)
        return {**params, "amount": amount_pence // 100}


class RefundAnnouncedWithOrderTotal(RefundStore):
    def _announce(
        self, conn: psycopg.Connection, org_id: uuid.UUID, refund: Refund, order: Order
    ) -> None:
        super()._announce(conn, org_id, replace(refund, amount_pence=order.total_pence), order)


class PartialRefundNotAnnounced(RefundStore):
    """Announces a refund only when it leaves nothing more to refund."""

    def _announce(
        self, conn: psycopg.Connection, org_id: uuid.UUID, refund: Refund, order: Order
    ) -> None:
        if sum(item.refundable for item in order.items) == sum(refund.items.values()):
            super()._announce(conn, org_id, refund, order)


class RefundKeyIgnored(IdempotentRequests):
    """Refunds forget to go through the idempotency keys, as if the endpoint had not adopted
    them: the same keyed refund sent twice is a new refund each time."""

    def run(
        self, org_id: uuid.UUID, key: str | None, operation: str, request: Any, work: Any
    ) -> Answer:
        if operation == "refund":
            return work()
        return super().run(org_id, key, operation, request, work)


class RefundProviderKeyRandom(Refunds):
    """Each refund gets a fresh id (and so a fresh provider key), whatever the client's key."""

    def _refund_id(self, org_id: uuid.UUID, key: str | None) -> uuid.UUID:
        return uuid.uuid4()


class RefundAgainstOrderId(PaymentProvider):
    """The refund names the order, not the payment it refunds."""

    def _refund_params(
        self, intent_id: str, amount_pence: int, metadata: dict[str, str]
    ) -> dict[str, Any]:
        return super()._refund_params(metadata.get("order_id", ""), amount_pence, metadata)


class ViewerCanRefund(AccessPolicy):
    def allows(self, role: str, action: Action) -> bool:
        return action == Action.REFUND_ORDER or super().allows(role, action)


DEFECTS: dict[str, Defect] = {
    "partial_refund_marks_order_refunded": Defect(
        "Refunding some of an order's units marks the whole order refunded.",
        "refunds",
        PartialRefundMarksOrderRefunded,
    ),
    "earlier_refunds_ignored": Defect(
        "What is left to refund ignores earlier refunds, so units can be refunded twice.",
        "refunds",
        EarlierRefundsIgnored,
    ),
    "unpaid_order_refundable": Defect(
        "An order that was never paid can be refunded.",
        "refunds",
        UnpaidOrderRefundable,
    ),
    "other_merchants_order_refundable": Defect(
        "A merchant can refund another merchant's order.",
        "refunds",
        OtherMerchantsOrderRefundable,
    ),
    "refund_recorded_when_provider_refuses": Defect(
        "A refund the payment provider refuses is recorded as made, and the stock comes back.",
        "refunds",
        RefundRecordedWhenProviderRefuses,
    ),
    "refund_restores_no_stock": Defect(
        "Refunded units are not put back into stock.",
        "refunds.store",
        RefundRestoresNoStock,
    ),
    "refund_amount_in_pounds": Defect(
        "A refund asks the payment provider for pounds instead of pence.",
        "payments",
        RefundAmountInPounds,
    ),
    "refund_announced_with_order_total": Defect(
        "A refund is announced to the merchant's subscriptions with the order's whole amount.",
        "refunds.store",
        RefundAnnouncedWithOrderTotal,
    ),
    "partial_refund_not_announced": Defect(
        "A refund of some of an order's units is not announced to the merchant's subscriptions.",
        "refunds.store",
        PartialRefundNotAnnounced,
    ),
    "refund_key_ignored": Defect(
        "Refunds ignore their idempotency key: the same refund sent twice refunds twice.",
        "idempotency",
        RefundKeyIgnored,
    ),
    "refund_provider_key_random": Defect(
        "A refund's provider key is not made from the client's key, so once the platform has "
        "forgotten the key a retry refunds again.",
        "refunds",
        RefundProviderKeyRandom,
    ),
    "refund_against_order_id": Defect(
        "A refund asks the payment provider to refund the order's id instead of its payment.",
        "payments",
        RefundAgainstOrderId,
    ),
    "viewer_can_refund": Defect(
        "View-only team members can refund orders.",
        "access",
        ViewerCanRefund,
    ),
}
