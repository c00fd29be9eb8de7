"""SQL for webhooks out: subscriptions, emitted events with their deliveries, and attempts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg

from service.core.db import Database


@dataclass(frozen=True)
class Subscription:
    id: uuid.UUID
    url: str
    event_types: list[str]
    created_at: datetime
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    status_code: int | None
    answer: str


@dataclass(frozen=True)
class Delivery:
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    history: list[Attempt]


@dataclass(frozen=True)
class DueDelivery:
    """A delivery the worker holds (locked) while it posts it."""

    conn: psycopg.Connection = field(repr=False)
    id: uuid.UUID
    org_id: uuid.UUID
    attempts: int
    url: str
    secret: str = field(repr=False)
    body: str = ""


# What a merchant can subscribe to. Orders emit theirs when they land (one `record_event` call
# each, in the transaction that pays or refunds the order); the names are accepted already.
ORDER_PAID = "order.paid"
ORDER_REFUNDED = "order.refunded"
WALLET_TOPPED_UP = "wallet.topped_up"
ONBOARDING_COMPLETED = "onboarding.completed"
EVENT_TYPES = (ORDER_PAID, ORDER_REFUNDED, WALLET_TOPPED_UP, ONBOARDING_COMPLETED)

_SUBSCRIPTION_COLUMNS = "id, url, event_types, created_at, secret"


def event_body(event_id: uuid.UUID, event_type: str, created_at: datetime, data: dict) -> str:
    """The delivered JSON, in the Standard Webhooks payload shape (type, timestamp, data)."""
    return json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "timestamp": created_at.astimezone(UTC).isoformat(),
            "data": data,
        },
        separators=(",", ":"),
    )


class WebhookStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- subscriptions -------------------------------------------------------------------

    def create_subscription(
        self, org_id: uuid.UUID, url: str, event_types: list[str], secret: str
    ) -> Subscription:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "insert into webhook_subscriptions (org_id, url, event_types, secret)"
                f" values (%s, %s, %s, %s) returning {_SUBSCRIPTION_COLUMNS}",
                (org_id, url, event_types, secret),
            ).fetchone()
        return Subscription(**row)

    def subscriptions(self, org_id: uuid.UUID) -> list[Subscription]:
        with self.db.tenant(org_id) as conn:
            rows = conn.execute(
                f"select {_SUBSCRIPTION_COLUMNS} from webhook_subscriptions"
                " where org_id = %s order by created_at, id",
                (org_id,),
            ).fetchall()
        return [Subscription(**row) for row in rows]

    def subscription(self, org_id: uuid.UUID, subscription_id: uuid.UUID) -> Subscription | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                f"select {_SUBSCRIPTION_COLUMNS} from webhook_subscriptions where id = %s",
                (subscription_id,),
            ).fetchone()
        return Subscription(**row) if row else None

    def deliveries(self, org_id: uuid.UUID, subscription_id: uuid.UUID) -> list[Delivery]:
        """A subscription's deliveries, oldest first, each with its attempts."""
        with self.db.tenant(org_id) as conn:
            rows = conn.execute(
                "select d.id, d.event_id, e.event_type, d.status, d.attempts, d.next_attempt_at"
                " from webhook_deliveries d join webhook_events e on e.id = d.event_id"
                " where d.subscription_id = %s order by d.created_at, d.id",
                (subscription_id,),
            ).fetchall()
            attempts = conn.execute(
                "select a.delivery_id, a.attempted_at, a.status_code, a.answer"
                " from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id"
                " where d.subscription_id = %s order by a.id",
                (subscription_id,),
            ).fetchall()
        history: dict[uuid.UUID, list[Attempt]] = {}
        for attempt in attempts:
            history.setdefault(attempt.pop("delivery_id"), []).append(Attempt(**attempt))
        return [Delivery(**row, history=history.get(row["id"], [])) for row in rows]

    # -- events and their deliveries -----------------------------------------------------

    def record_event(
        self, conn: psycopg.Connection, org_id: uuid.UUID, event_type: str, data: dict[str, Any]
    ) -> uuid.UUID:
        """Inside the caller's transaction (the one that made the event happen): the event and
        one delivery, due at once, per subscription of this merchant that wants its type."""
        event_id = uuid.uuid4()
        now = conn.execute("select now() as now").fetchone()["now"]
        conn.execute(
            "insert into webhook_events (id, org_id, event_type, body, created_at)"
            " values (%s, %s, %s, %s, %s)",
            (event_id, org_id, event_type, event_body(event_id, event_type, now, data), now),
        )
        self._fan_out(conn, org_id, event_id, event_type)
        return event_id

    def _fan_out(
        self, conn: psycopg.Connection, org_id: uuid.UUID, event_id: uuid.UUID, event_type: str
    ) -> None:
        conn.execute(
            "insert into webhook_deliveries (org_id, event_id, subscription_id, next_attempt_at)"
            " select org_id, %s, id, now() from webhook_subscriptions"
            " where org_id = %s and %s = any (event_types)",
            (event_id, org_id, event_type),
        )

    # -- the delivery worker -------------------------------------------------------------

    @contextmanager
    def claim_due(
        self, now: datetime, org_ids: list[uuid.UUID] | None
    ) -> Iterator[DueDelivery | None]:
        """The next delivery due at `now` (among these organisations, if given), locked for
        this transaction; None when nothing is due."""
        with self.db.anonymous() as conn:
            claimed = self._claim(conn, now, org_ids)
            if claimed is None:
                yield None
                return
            delivery_id, org_id = claimed
            conn.execute("select set_config('app.org_id', %s, true)", (str(org_id),))
            row = conn.execute(
                "select d.id, d.org_id, d.attempts, s.url, s.secret, e.body"
                " from webhook_deliveries d"
                " join webhook_subscriptions s on s.id = d.subscription_id"
                " join webhook_events e on e.id = d.event_id"
                " where d.id = %s and d.status = 'pending'",
                (delivery_id,),
            ).fetchone()
            yield DueDelivery(conn, **row) if row else None

    def _claim(
        self, conn: psycopg.Connection, now: datetime, org_ids: list[uuid.UUID] | None
    ) -> tuple[uuid.UUID, uuid.UUID] | None:
        row = conn.execute(
            "select delivery_id, org_id from claim_due_webhook_delivery(%s, %s)", (now, org_ids)
        ).fetchone()
        return (row["delivery_id"], row["org_id"]) if row else None

    def record_attempt(
        self,
        delivery: DueDelivery,
        attempted_at: datetime,
        status_code: int | None,
        answer: str,
        next_attempt_at: datetime | None,
        delivered: bool,
    ) -> None:
        """The attempt, and the delivery's new state: delivered, due again, or failed."""
        status = "delivered" if delivered else "pending" if next_attempt_at else "failed"
        delivery.conn.execute(
            "insert into webhook_attempts (org_id, delivery_id, attempted_at, status_code, answer)"
            " values (%s, %s, %s, %s, %s)",
            (delivery.org_id, delivery.id, attempted_at, status_code, answer),
        )
        delivery.conn.execute(
            "update webhook_deliveries set attempts = attempts + 1, status = %s,"
            " next_attempt_at = %s where id = %s",
            (status, None if delivered else next_attempt_at, delivery.id),
        )
