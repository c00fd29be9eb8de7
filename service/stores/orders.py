"""SQL for products, the merchant's order settings, and orders with their items."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors

from service.core.db import Database
from service.stores.wallet import ProviderEvent, first_time
from service.stores.webhooks import ORDER_PAID, WebhookStore


class SkuTaken(Exception):
    """The merchant already has a product with this SKU."""


class StockShort(Exception):
    """What is left in stock cannot cover the order's units: nothing was sold or changed."""


class EventSeen(Exception):
    """The provider's event was processed before: nothing changed."""


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price_pence: int
    stock: int


@dataclass(frozen=True)
class OrderItem:
    sku: str
    quantity: int
    unit_price_pence: int
    refunded_quantity: int

    @property
    def refundable(self) -> int:
        return self.quantity - self.refunded_quantity


@dataclass(frozen=True)
class Order:
    id: uuid.UUID
    idempotency_key: str
    basket_digest: str
    status: str
    failure: str | None
    total_pence: int
    payment_intent_id: str | None
    created_at: datetime
    items: tuple[OrderItem, ...]
    review_reason: str | None = None  # why money the order took needs an operator


_PRODUCT_COLUMNS = "sku, name, price_pence, stock"
ORDER_COLUMNS = (
    "id, idempotency_key, basket_digest, status, failure, total_pence, payment_intent_id,"
    " created_at, review_reason"
)


def _items(conn: psycopg.Connection, order_id: uuid.UUID) -> tuple[OrderItem, ...]:
    rows = conn.execute(
        "select sku, quantity, unit_price_pence, refunded_quantity from order_items"
        " where order_id = %s order by sku",
        (order_id,),
    ).fetchall()
    return tuple(OrderItem(**row) for row in rows)


def order_of(conn: psycopg.Connection, row: dict[str, Any] | None) -> Order | None:
    """The order of a row read with its columns (and its items), inside the caller's transaction."""
    return None if row is None else Order(**row, items=_items(conn, row["id"]))


def order_event_data(order: Order) -> dict[str, Any]:
    """What a merchant's webhook is told of an order: which one, its amounts, its items."""
    return {
        "order_id": str(order.id),
        "status": order.status,
        "total_pence": order.total_pence,
        "items": [asdict(item) for item in order.items],
    }


class OrderStore:
    def __init__(self, db: Database, outbox: WebhookStore) -> None:
        self.db = db
        self.outbox = outbox  # merchants' webhooks, emitted in the transaction that pays

    # -- products ------------------------------------------------------------------------

    def add_product(self, org_id: uuid.UUID, product: Product) -> Product:
        try:
            with self.db.tenant(org_id) as conn:
                row = conn.execute(
                    "insert into products (org_id, sku, name, price_pence, stock)"
                    f" values (%s, %s, %s, %s, %s) returning {_PRODUCT_COLUMNS}",
                    (org_id, product.sku, product.name, product.price_pence, product.stock),
                ).fetchone()
        except errors.UniqueViolation:
            raise SkuTaken(product.sku) from None
        return Product(**row)

    def restock(self, org_id: uuid.UUID, sku: str, quantity: int) -> Product | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "update products set stock = stock + %s where org_id = %s and sku = %s"
                f" returning {_PRODUCT_COLUMNS}",
                (quantity, org_id, sku),
            ).fetchone()
        return Product(**row) if row else None

    def products(self, org_id: uuid.UUID, skus: list[str] | None = None) -> list[Product]:
        """The merchant's products (all, or those with these SKUs), by SKU."""
        query = f"select {_PRODUCT_COLUMNS} from products where org_id = %s"
        params: tuple[Any, ...] = (org_id,)
        if skus is not None:
            query += " and sku = any(%s)"
            params = (org_id, skus)
        with self.db.tenant(org_id) as conn:
            rows = conn.execute(query + " order by sku", params).fetchall()
        return [Product(**row) for row in rows]

    @contextmanager
    def stock_held(self, org_id: uuid.UUID, sku: str) -> Iterator[int | None]:
        """The product's stock, with its row locked until the block ends: a sale (which takes
        the same lock) cannot land between reading the stock and reserving against it."""
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select stock from products where org_id = %s and sku = %s for update",
                (org_id, sku),
            ).fetchone()
            yield row["stock"] if row else None

    def take_stock(self, conn: psycopg.Connection, org_id: uuid.UUID, sku: str, n: int) -> bool:
        """Takes `n` units if the stock holds them; False (nothing taken) when it does not."""
        row = conn.execute(
            "update products set stock = stock - %s where org_id = %s and sku = %s"
            " and stock >= %s returning stock",
            (n, org_id, sku, n),
        ).fetchone()
        return row is not None

    # -- settings ------------------------------------------------------------------------

    def reservation_ttl(self, org_id: uuid.UUID) -> int | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select reservation_ttl_seconds from order_settings where org_id = %s", (org_id,)
            ).fetchone()
        return row["reservation_ttl_seconds"] if row else None

    def set_reservation_ttl(self, org_id: uuid.UUID, seconds: int) -> None:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "insert into order_settings (org_id, reservation_ttl_seconds) values (%s, %s)"
                " on conflict (org_id) do update set reservation_ttl_seconds = excluded"
                ".reservation_ttl_seconds",
                (org_id, seconds),
            )

    # -- orders --------------------------------------------------------------------------

    def new_order(
        self,
        org_id: uuid.UUID,
        idempotency_key: str,
        basket_digest: str,
        lines: list[tuple[Product, int]],
    ) -> Order | None:
        """A new order (status reserving) with its items at today's prices; None when the
        merchant already has an order with this key."""
        total = sum(product.price_pence * quantity for product, quantity in lines)
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "insert into orders (org_id, idempotency_key, basket_digest, total_pence)"
                " values (%s, %s, %s, %s) on conflict (org_id, idempotency_key) do nothing"
                f" returning {ORDER_COLUMNS}",
                (org_id, idempotency_key, basket_digest, total),
            ).fetchone()
            if row is None:
                return None
            for product, quantity in lines:
                conn.execute(
                    "insert into order_items (order_id, org_id, product_id, sku, quantity,"
                    " unit_price_pence) select %s, %s, id, sku, %s, price_pence from products"
                    " where org_id = %s and sku = %s",
                    (row["id"], org_id, quantity, org_id, product.sku),
                )
            return order_of(conn, row)

    def order(self, org_id: uuid.UUID, order_id: uuid.UUID) -> Order | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                f"select {ORDER_COLUMNS} from orders where id = %s", (order_id,)
            ).fetchone()
            return order_of(conn, row)

    def order_by_key(self, org_id: uuid.UUID, idempotency_key: str) -> Order | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                f"select {ORDER_COLUMNS} from orders where org_id = %s and idempotency_key = %s",
                (org_id, idempotency_key),
            ).fetchone()
            return order_of(conn, row)

    def order_paid(
        self,
        org_id: uuid.UUID,
        order: Order,
        intent_id: str,
        event: ProviderEvent | None = None,
    ) -> Order | None:
        """Takes the order's units from stock, marks it paid and tells the merchant's
        subscriptions, in one transaction (with the provider's event, when one paid it).

        None when the order can no longer be paid (already settled, or failed by an event newer
        than `event`); raises StockShort when the stock cannot cover it and EventSeen for an
        event processed before (nothing changes either way)."""
        with self.db.tenant(org_id) as conn:
            if event is not None and not first_time(conn, event):
                raise EventSeen(event.id)
            row = conn.execute(
                "update orders set status = 'paid', failure = null, payment_intent_id = %(intent)s"
                f" where id = %(id)s and {self._payable()} returning {ORDER_COLUMNS}",
                {"intent": intent_id, "id": order.id, "paid_at": event and event.created},
            ).fetchone()
            if row is None:
                return None
            self._take_stock_of(conn, org_id, order)
            paid = order_of(conn, row)
            self._announce_paid(conn, org_id, paid)
            return paid

    def _take_stock_of(self, conn: psycopg.Connection, org_id: uuid.UUID, order: Order) -> None:
        """Every item's units, or (raising StockShort, so the transaction rolls back) none."""
        for item in order.items:
            if not self.take_stock(conn, org_id, item.sku, item.quantity):
                raise StockShort(item.sku)

    @staticmethod
    def _payable() -> str:
        """SQL: the order may still be paid, by the payment at hand or by a provider's success
        created at %(paid_at)s (null when the payment answered at once).

        Being placed or awaiting its payment; or failed by a provider's "payment failed" event no
        newer than the success (the customer tried another card on the same payment: the
        provider's success is its last word, and a tie goes to it). A success older than the
        latest failure pays nothing, as for top-ups (MON-1)."""
        return (
            "(status in ('reserving', 'awaiting_payment') or (status = 'failed'"
            " and failed_by_event_at <= %(paid_at)s))"
        )

    @staticmethod
    def _failable() -> str:
        """SQL: a "payment failed" event may (still) fail the order: it waits for its payment,
        or its payment failed before (the newest failure's time is kept). A paid order is never
        failed by a late failure."""
        return (
            "(status in ('reserving', 'awaiting_payment')"
            " or (status = 'failed' and failure = 'payment_declined'))"
        )

    def _announce_paid(self, conn: psycopg.Connection, org_id: uuid.UUID, order: Order) -> None:
        self.outbox.record_event(conn, org_id, ORDER_PAID, order_event_data(order))

    def order_awaiting_payment(
        self, org_id: uuid.UUID, order_id: uuid.UUID, intent_id: str
    ) -> Order:
        """The card payment is still processing: the order keeps its units held and waits for
        the provider's word on its payment intent."""
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "update orders set status = 'awaiting_payment', payment_intent_id = %s"
                f" where id = %s and status = 'reserving' returning {ORDER_COLUMNS}",
                (intent_id, order_id),
            ).fetchone()
            return order_of(conn, row or self._row(conn, order_id))

    def order_failed(
        self,
        org_id: uuid.UUID,
        order_id: uuid.UUID,
        failure: str,
        intent_id: str | None = None,
        review_reason: str | None = None,
        event: ProviderEvent | None = None,
    ) -> Order:
        """Fails the order (recording the provider's event that led to it, when there is one);
        a `review_reason` says what money an operator must look at."""
        with self.db.tenant(org_id) as conn:
            if event is not None:
                first_time(conn, event)
            row = conn.execute(
                "update orders set status = 'failed', failure = %s,"
                " payment_intent_id = coalesce(%s, payment_intent_id),"
                " review_reason = coalesce(%s, review_reason) where id = %s"
                f" returning {ORDER_COLUMNS}",
                (failure, intent_id, review_reason, order_id),
            ).fetchone()
            return order_of(conn, row)

    def order_failed_by_event(
        self, org_id: uuid.UUID, order_id: uuid.UUID, event: ProviderEvent
    ) -> Order | None:
        """The provider's "payment failed" event, recorded and applied in one transaction: an
        order awaiting payment fails, and a failed one keeps the newest failure's time; a paid
        one is untouched (a late failure never undoes a payment). None when it changed nothing;
        raises EventSeen for an event processed before."""
        with self.db.tenant(org_id) as conn:
            if not first_time(conn, event):
                raise EventSeen(event.id)
            row = conn.execute(
                "update orders set status = 'failed', failure = coalesce(failure,"
                " 'payment_declined'), failed_by_event_at = greatest(failed_by_event_at, %s)"
                f" where id = %s and {self._failable()} returning {ORDER_COLUMNS}",
                (event.created, order_id),
            ).fetchone()
            return order_of(conn, row)

    def record_event(self, org_id: uuid.UUID, event: ProviderEvent) -> bool:
        """For an event that changes nothing else: False when it was recorded before."""
        with self.db.tenant(org_id) as conn:
            return first_time(conn, event)

    def order_needs_review(
        self,
        org_id: uuid.UUID,
        order_id: uuid.UUID,
        reason: str,
        event: ProviderEvent | None = None,
        intent_id: str | None = None,
        besides: bool = False,
    ) -> Order:
        """Marks the order for review (with the provider's event that shows why, recorded in
        the same transaction, and the payment it names when the order did not know it), the
        reason after any it had when `besides` (both are money to look at). Raises EventSeen
        for an event processed before: nothing changes."""
        with self.db.tenant(org_id) as conn:
            if event is not None and not first_time(conn, event):
                raise EventSeen(event.id)
            row = conn.execute(
                "update orders set review_reason = case when %s then"
                " concat_ws(' ', review_reason, %s::text) else %s end,"
                " payment_intent_id = coalesce(payment_intent_id, %s)"
                f" where id = %s returning {ORDER_COLUMNS}",
                (besides, reason, reason, intent_id, order_id),
            ).fetchone()
            return order_of(conn, row)

    def order_owner(self, intent_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(order id, organisation) of a payment intent, before any organisation is known."""
        with self.db.anonymous() as conn:
            row = conn.execute(
                "select order_id, org_id from find_order_owner(%s)", (intent_id,)
            ).fetchone()
        return (row["order_id"], row["org_id"]) if row else None

    @staticmethod
    def _row(conn: psycopg.Connection, order_id: uuid.UUID) -> dict[str, Any] | None:
        return conn.execute(
            f"select {ORDER_COLUMNS} from orders where id = %s", (order_id,)
        ).fetchone()
