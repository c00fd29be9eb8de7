"""SQL for refunds: the order held while it is refunded, refund rows, and stock given back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import psycopg

from service.core.db import Database
from service.stores.orders import ORDER_COLUMNS, Order, order_of


@dataclass(frozen=True)
class Refund:
    id: uuid.UUID
    order_id: uuid.UUID
    amount_pence: int
    items: dict[str, int]
    created_at: datetime


class RefundStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def refunding(
        self, org_id: uuid.UUID, order_id: uuid.UUID
    ) -> Iterator[tuple[psycopg.Connection, Order | None]]:
        """The order, locked for one transaction, so that two refunds of it cannot both count
        the same units; whatever the block writes commits only if it ends without an error."""
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                f"select {ORDER_COLUMNS} from orders where id = %s for update", (order_id,)
            ).fetchone()
            yield conn, order_of(conn, row)

    def record(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        order: Order,
        refund_id: uuid.UUID,
        provider: tuple[str, str],
        items: dict[str, int],
        status: str,
    ) -> Refund:
        """The refund row, its items, the order's refunded quantities and status, and the stock
        given back, inside the caller's transaction. `provider` is (idempotency key, refund id)."""
        amount = sum(i.unit_price_pence * items[i.sku] for i in order.items if i.sku in items)
        row = conn.execute(
            "insert into refunds (id, org_id, order_id, amount_pence, provider_idempotency_key,"
            " provider_refund_id) values (%s, %s, %s, %s, %s, %s) returning created_at",
            (refund_id, org_id, order.id, amount, *provider),
        ).fetchone()
        for sku, quantity in items.items():
            conn.execute(
                "insert into refund_items (refund_id, org_id, sku, quantity)"
                " values (%s, %s, %s, %s)",
                (refund_id, org_id, sku, quantity),
            )
            conn.execute(
                "update order_items set refunded_quantity = refunded_quantity + %s"
                " where order_id = %s and sku = %s",
                (quantity, order.id, sku),
            )
            self.restore_stock(conn, org_id, sku, quantity)
        conn.execute("update orders set status = %s where id = %s", (status, order.id))
        return Refund(refund_id, order.id, amount, dict(items), row["created_at"])

    def restore_stock(self, conn: psycopg.Connection, org_id: uuid.UUID, sku: str, n: int) -> None:
        conn.execute(
            "update products set stock = stock + %s where org_id = %s and sku = %s",
            (n, org_id, sku),
        )
