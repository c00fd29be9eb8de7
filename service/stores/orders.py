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
from service.stores.webhooks import ORDER_PAID, WebhookStore


class SkuTaken(Exception):
    """The merchant already has a product with this SKU."""


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


_PRODUCT_COLUMNS = "sku, name, price_pence, stock"
ORDER_COLUMNS = (
    "id, idempotency_key, basket_digest, status, failure, total_pence, payment_intent_id,"
    " created_at"
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

    def take_stock(self, conn: psycopg.Connection, org_id: uuid.UUID, sku: str, n: int) -> None:
        conn.execute(
            "update products set stock = stock - %s where org_id = %s and sku = %s",
            (n, org_id, sku),
        )

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

    def order_paid(self, org_id: uuid.UUID, order: Order, intent_id: str) -> Order:
        """Takes the order's units from stock, marks it paid and tells the merchant's
        subscriptions, in one transaction."""
        with self.db.tenant(org_id) as conn:
            for item in order.items:
                self.take_stock(conn, org_id, item.sku, item.quantity)
            row = conn.execute(
                "update orders set status = 'paid', payment_intent_id = %s where id = %s"
                f" returning {ORDER_COLUMNS}",
                (intent_id, order.id),
            ).fetchone()
            paid = order_of(conn, row)
            self._announce_paid(conn, org_id, paid)
            return paid

    def _announce_paid(self, conn: psycopg.Connection, org_id: uuid.UUID, order: Order) -> None:
        self.outbox.record_event(conn, org_id, ORDER_PAID, order_event_data(order))

    def order_failed(
        self, org_id: uuid.UUID, order_id: uuid.UUID, failure: str, intent_id: str | None = None
    ) -> Order:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "update orders set status = 'failed', failure = %s,"
                " payment_intent_id = coalesce(%s, payment_intent_id) where id = %s"
                f" returning {ORDER_COLUMNS}",
                (failure, intent_id, order_id),
            ).fetchone()
            return order_of(conn, row)
