"""Defects of refunds: amounts, quantities, stock, status, tenancy and the provider's answer."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from service.defects.base import Defect
from service.domain.refunds import Refunds
from service.providers.payments import PaymentProvider
from service.stores.orders import Order, OrderItem
from service.stores.refunds import RefundStore


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
}
