"""Refunds of paid orders, whole or in part: the provider refunds, the stock comes back."""

from __future__ import annotations

import uuid

from service.core.errors import ApiError, not_found
from service.domain.idempotency import derived_id
from service.providers import ProviderNotConfigured, ProviderRefused, ProviderUnavailable
from service.providers.payments import PaymentProvider
from service.stores.orders import Order, OrderItem
from service.stores.refunds import Refund, RefundStore


class Refunds:
    def __init__(self, store: RefundStore, payments: PaymentProvider) -> None:
        self.store = store
        self.payments = payments

    def refund(
        self,
        org_id: uuid.UUID,
        order_id: uuid.UUID,
        wanted: dict[str, int] | None,
        key: str | None = None,
    ) -> Refund:
        """Refunds `wanted` (SKU -> quantity), or everything not yet refunded when None. The
        order stays locked until the refund is recorded; any refusal changes nothing.

        `key` is the client's idempotency key, when it sent one: the refund's id, and so the
        provider's idempotency key, are made from it, so one client key can never refund twice,
        not even after the platform has forgotten the key's answer.
        """
        scope = self._scope(org_id, order_id)
        refund_id = self._refund_id(org_id, key)
        with self.store.refunding(scope, order_id) as (conn, order):
            if order is None:
                raise not_found("We could not find that order.")
            if self.store.exists(conn, refund_id):
                raise ApiError(
                    409,
                    "idempotency_key_reused",
                    "This Idempotency-Key already made a refund. Use a new key for a new refund.",
                )
            if not self._refundable_order(order):
                raise ApiError(409, "order_not_paid", "Only a paid order can be refunded.")
            items = self._items_to_refund(order, wanted)
            amount = sum(i.unit_price_pence * items[i.sku] for i in order.items if i.sku in items)
            provider_key = f"refund-{refund_id}"
            provider_refund = self._ask_provider(order, amount, provider_key)
            left = sum(self._refundable(i) - items.get(i.sku, 0) for i in order.items)
            status = self._status_after(order, left)
            return self.store.record(
                conn, scope, order, refund_id, (provider_key, provider_refund), items, status
            )

    def _refund_id(self, org_id: uuid.UUID, key: str | None) -> uuid.UUID:
        return derived_id(org_id, key, "refund") if key else uuid.uuid4()

    def _scope(self, org_id: uuid.UUID, order_id: uuid.UUID) -> uuid.UUID:
        """Whose orders the refund may see: the signed-in merchant's, and no one else's."""
        return org_id

    def _refundable_order(self, order: Order) -> bool:
        return order.status == "paid"

    def _refundable(self, item: OrderItem) -> int:
        return item.refundable

    def _status_after(self, order: Order, units_left: int) -> str:
        return "paid" if units_left > 0 else "refunded"

    def _items_to_refund(self, order: Order, wanted: dict[str, int] | None) -> dict[str, int]:
        if wanted is None:
            return {i.sku: self._refundable(i) for i in order.items if self._refundable(i) > 0}
        ordered = {i.sku: i for i in order.items}
        for sku, quantity in wanted.items():
            if sku not in ordered:
                raise ApiError(400, "invalid_request", f"The order has no item with SKU {sku}.")
            if quantity > self._refundable(ordered[sku]):
                raise ApiError(
                    409,
                    "refund_exceeds_order",
                    f"Only {self._refundable(ordered[sku])} of {sku} can still be refunded.",
                )
        return dict(wanted)

    def _ask_provider(self, order: Order, amount: int, key: str) -> str:
        metadata = {"order_id": str(order.id)}
        try:
            return self.payments.refund(order.payment_intent_id or "", amount, key, metadata)
        except ProviderRefused:
            return self._refused_by_provider()
        except (ProviderUnavailable, ProviderNotConfigured):
            raise ApiError(
                503,
                "provider_unavailable",
                "We could not reach our payment provider, so nothing was refunded.",
            ) from None

    def _refused_by_provider(self) -> str:
        raise ApiError(
            502,
            "provider_error",
            "The payment provider refused the refund, so nothing was refunded.",
        )
