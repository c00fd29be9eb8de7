"""SQL for refunds: the order held while it is refunded, refund rows, and stock given back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from service.core.db import Database
from service.stores.orders import ORDER_COLUMNS, Order, order_event_data, order_of
from service.stores.webhooks import ORDER_REFUNDED, WebhookStore


@dataclass(frozen=True)
class Refund:
    id: uuid.UUID
    order_id: uuid.UUID
    amount_pence: int
    items: dict[str, int]
    created_at: datetime


def refund_event_data(refund: Refund, order: Order) -> dict[str, Any]:
    """What a merchant's webhook is told of a refund, whole or partial: the order as it now
    stands, this refund's amount and items, and how much of the order is refunded in all."""
    return {
        **order_event_data(order),
        "refund_id": str(refund.id),
        "amount_pence": refund.amount_pence,
        "refunded_items": [{"sku": sku, "quantity": n} for sku, n in sorted(refund.items.items())],
        "refunded_total_pence": sum(i.unit_price_pence * i.refunded_quantity for i in order.items),
        "fully_refunded": order.status == "refunded",
    }


class RefundStore:
    def __init__(self, db: Database, outbox: WebhookStore) -> None:
        self.db = db
        self.outbox = outbox  # merchants' webhooks, emitted in the transaction that refunds

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

    def exists(self, conn: psycopg.Connection, refund_id: uuid.UUID) -> bool:
        found = conn.execute("select 1 from refunds where id = %s", (refund_id,)).fetchone()
        return found is not None

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
        """The refund row, its items, the order's refunded quantities and status, the stock given
        back, and the merchant's subscriptions told, inside the caller's transaction. `provider`
        is (idempotency key, refund id)."""
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
        refund = Refund(refund_id, order.id, amount, dict(items), row["created_at"])
        self._announce(conn, org_id, refund, order)
        return refund

    def _announce(
        self, conn: psycopg.Connection, org_id: uuid.UUID, refund: Refund, order: Order
    ) -> None:
        """Every refund is announced, a partial one too: each moves money the merchant counts.
        The order is read again, so the event says what this transaction wrote."""
        row = conn.execute(f"select {ORDER_COLUMNS} from orders where id = %s", (order.id,))
        refunded = order_of(conn, row.fetchone())
        self.outbox.record_event(conn, org_id, ORDER_REFUNDED, refund_event_data(refund, refunded))

    def restore_stock(self, conn: psycopg.Connection, org_id: uuid.UUID, sku: str, n: int) -> None:
        conn.execute(
            "update products set stock = stock + %s where org_id = %s and sku = %s",
            (n, org_id, sku),
        )
