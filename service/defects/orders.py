"""Defects of orders: reservations, payment, idempotency and products."""

from __future__ import annotations

import time
import uuid
from typing import Any

import psycopg

from service.defects.base import Defect
from service.domain.orders import Basket, Orders
from service.providers.payments import PaymentProvider
from service.stores.orders import Order, OrderStore, Product
from service.stores.reservations import ReservationStore, index_key, reservation_key


class OrderOversellsUnderRace(Orders):
    """Reads the stock and the reservations, decides, then reserves: two orders racing for the
    last unit both see it free (the pause stands for the work a real handler does in between)."""

    def _reserve_item(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, ttl: int
    ) -> bool:
        with self.store.stock_held(org_id, sku) as stock:  # read, then let go of the lock
            pass
        free = (stock or 0) - self.reservations.held(org_id, sku)
        if free < quantity:
            return False
        time.sleep(0.1)
        key = reservation_key(org_id, order_id, sku)
        self.reservations.cache.set(key, quantity, ex=ttl)
        self.reservations.cache.sadd(index_key(org_id, sku), key)
        return True


class StockTakenWhenReserved(Orders):
    def _reserve_item(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, ttl: int
    ) -> bool:
        reserved = super()._reserve_item(org_id, order_id, sku, quantity, ttl)
        if reserved:
            with self.store.db.tenant(org_id) as conn:
                self.store.take_stock(conn, org_id, sku, quantity)
        return reserved


class ReservationWithoutExpiry(ReservationStore):
    def reserve(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, stock: int, ttl: int
    ) -> bool:
        reserved = super().reserve(org_id, order_id, sku, quantity, stock, ttl)
        self.cache.persist(reservation_key(org_id, order_id, sku))
        return reserved


class ReservationKeptAfterDecline(Orders):
    def _release_unpaid(self, org_id: uuid.UUID, order: Order) -> None:
        return None


class ReservationsKeptWhenItemUnavailable(Orders):
    def _reserve_all(self, org_id: uuid.UUID, order: Order, ttl: int) -> str | None:
        for item in order.items:
            if not self._reserve_item(org_id, order.id, item.sku, item.quantity, ttl):
                return item.sku
        return None


class PaymentAskedWithItemUnavailable(Orders):
    def _reserve_all(self, org_id: uuid.UUID, order: Order, ttl: int) -> str | None:
        for item in order.items:
            self._reserve_item(org_id, order.id, item.sku, item.quantity, ttl)
        return None


class OrderChargedInPounds(PaymentProvider):
    def _charge_params(
        self, amount_pence: int, metadata: dict[str, str], payment_method: str
    ) -> dict[str, Any]:
        params = super()._charge_params(amount_pence, metadata, payment_method)
        return {**params, "amount": amount_pence // 100}


class OrderIdempotencyKeyIgnored(Orders):
    def place(
        self, org_id: uuid.UUID, key: str | None, basket: Basket, payment_method: str
    ) -> Order:
        fresh = f"{key}-{uuid.uuid4()}" if key else key
        return super().place(org_id, fresh, basket, payment_method)


class FailedOrderNotRemembered(Orders):
    def place(
        self, org_id: uuid.UUID, key: str | None, basket: Basket, payment_method: str
    ) -> Order:
        before = self.store.order_by_key(org_id, key)
        if before is not None and before.status == "failed":
            key = f"{key}-retry-{uuid.uuid4()}"
        return super().place(org_id, key, basket, payment_method)


class OrderKeyNotRequired(Orders):
    def _usable_key(self, key: str | None) -> str:
        return key or f"made-up-{uuid.uuid4()}"


class RestockReplacesStock(OrderStore):
    def restock(self, org_id: uuid.UUID, sku: str, quantity: int) -> Product | None:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "update products set stock = %s where org_id = %s and sku = %s",
                (quantity, org_id, sku),
            )
        return super().restock(org_id, sku, 0)


class OrderPaidNotAnnounced(OrderStore):
    def _announce_paid(self, conn: psycopg.Connection, org_id: uuid.UUID, order: Order) -> None:
        return None


DEFECTS: dict[str, Defect] = {
    "order_oversells_under_race": Defect(
        "Orders check the free stock and reserve it in two steps, so racing orders both get "
        "the last unit.",
        "orders",
        OrderOversellsUnderRace,
    ),
    "stock_taken_when_reserved": Defect(
        "An order takes its units from the stock as soon as it reserves them, before it is paid.",
        "orders",
        StockTakenWhenReserved,
    ),
    "reservation_without_expiry": Defect(
        "Reservations are kept with no time-to-live, so an unpaid order holds its stock forever.",
        "orders.reservations",
        ReservationWithoutExpiry,
    ),
    "reservation_kept_after_decline": Defect(
        "A declined order keeps its reservations until they expire.",
        "orders",
        ReservationKeptAfterDecline,
    ),
    "reservations_kept_when_item_unavailable": Defect(
        "When one item of an order cannot be reserved, the others' reservations are kept.",
        "orders",
        ReservationsKeptWhenItemUnavailable,
    ),
    "payment_asked_with_item_unavailable": Defect(
        "An order is paid for even when one of its items could not be reserved.",
        "orders",
        PaymentAskedWithItemUnavailable,
    ),
    "order_charged_in_pounds": Defect(
        "An order's card payment asks the payment provider for pounds instead of pence.",
        "payments",
        OrderChargedInPounds,
    ),
    "order_idempotency_key_ignored": Defect(
        "The order's idempotency key is ignored: the same request twice makes two orders and "
        "two charges.",
        "orders",
        OrderIdempotencyKeyIgnored,
    ),
    "failed_order_not_remembered": Defect(
        "A failed order's key is not remembered: sending it again charges the card again.",
        "orders",
        FailedOrderNotRemembered,
    ),
    "order_key_not_required": Defect(
        "Orders without an idempotency key are taken (and can be placed twice).",
        "orders",
        OrderKeyNotRequired,
    ),
    "restock_replaces_stock": Defect(
        "Restocking sets the stock to the units added instead of adding them.",
        "orders.store",
        RestockReplacesStock,
    ),
    "order_paid_not_announced": Defect(
        "A paid order is not announced to the merchant's subscriptions for order payments.",
        "orders.store",
        OrderPaidNotAnnounced,
    ),
}
