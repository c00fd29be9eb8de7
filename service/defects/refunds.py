"""Defects of refunds: amounts, quantities, stock, status, tenancy and the provider's answer."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import psycopg

from service.defects.base import Defect
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
}
