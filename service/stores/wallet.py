"""SQL for the wallet and its ledger: balances, entries, top-ups, events and phone numbers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors

from service.core.db import Database
from service.stores.webhooks import WALLET_TOPPED_UP, WebhookStore


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    kind: str
    amount_pence: int
    description: str
    created_at: datetime


@dataclass(frozen=True)
class Summary:
    purchased: int
    spent: int
    refunded: int
    bonus: int
    balance: int

    @property
    def net(self) -> int:
        return self.purchased - self.spent + self.refunded + self.bonus


@dataclass(frozen=True)
class TopUp:
    id: uuid.UUID
    amount_pence: int
    status: str
    provider_idempotency_key: str
    payment_intent_id: str | None


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    created: datetime | None = None  # the provider's own creation time of the event


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    created_at: datetime


def _top_up(row: dict[str, Any]) -> TopUp:
    return TopUp(
        row["id"],
        row["amount_pence"],
        row["status"],
        row["provider_idempotency_key"],
        row["payment_intent_id"],
    )


_TOP_UP_COLUMNS = "id, amount_pence, status, provider_idempotency_key, payment_intent_id"


class WalletStore:
    def __init__(self, db: Database, outbox: WebhookStore) -> None:
        self.db = db
        self.outbox = outbox  # merchants' webhooks, emitted in the transaction that credits

    # -- balance and ledger --------------------------------------------------------------

    def balance(self, org_id: uuid.UUID) -> int:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select balance_pence from wallets where org_id = %s", (org_id,)
            ).fetchone()
        return row["balance_pence"] if row else 0

    def ledger_page(
        self, org_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[list[LedgerEntry], int]:
        """Newest first; the id breaks ties so that pages never overlap or skip."""
        with self.db.tenant(org_id) as conn:
            rows = conn.execute(
                "select id, kind, amount_pence, description, created_at from ledger_entries"
                " where org_id = %s order by created_at desc, id desc limit %s offset %s",
                (org_id, limit, offset),
            ).fetchall()
            total = conn.execute(
                "select count(*) as n from ledger_entries where org_id = %s", (org_id,)
            ).fetchone()["n"]
        return [LedgerEntry(**row) for row in rows], total

    def summary(self, org_id: uuid.UUID) -> Summary:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select"
                " coalesce(sum(amount_pence) filter (where kind = 'top_up'), 0) as purchased,"
                " coalesce(-sum(amount_pence) filter (where kind = 'charge'), 0) as spent,"
                " coalesce(sum(amount_pence) filter (where kind = 'refund'), 0) as refunded,"
                " coalesce(sum(amount_pence) filter (where kind = 'bonus'), 0) as bonus,"
                " coalesce((select balance_pence from wallets where org_id = %s), 0) as balance"
                " from ledger_entries where org_id = %s",
                (org_id, org_id),
            ).fetchone()
        return Summary(**{key: int(value) for key, value in row.items()})

    def charge(
        self, org_id: uuid.UUID, amount: int, description: str, reference: str | None = None
    ) -> int | None:
        """Takes `amount` from the wallet with its ledger entry, in one transaction.

        Returns the new balance, or None when the balance is too low (nothing changes). The
        guard is in the UPDATE itself, so racing charges cannot overdraw; the table's check
        constraint is the last line of defence.
        """
        try:
            with self.db.tenant(org_id) as conn:
                self._ensure_wallet(conn, org_id)
                row = conn.execute(
                    "update wallets set balance_pence = balance_pence - %(amount)s,"
                    " updated_at = now()"
                    " where org_id = %(org)s and balance_pence >= %(amount)s"
                    " returning balance_pence",
                    {"amount": amount, "org": org_id},
                ).fetchone()
                if row is None:
                    return None
                self._entry(conn, org_id, "charge", -amount, description, reference)
                return row["balance_pence"]
        except errors.CheckViolation:
            return None

    def credit(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        kind: str,
        amount: int,
        description: str,
        reference: str | None = None,
    ) -> int:
        """Adds money inside the caller's transaction; returns the new balance."""
        self._ensure_wallet(conn, org_id)
        row = conn.execute(
            "update wallets set balance_pence = balance_pence + %s, updated_at = now()"
            " where org_id = %s returning balance_pence",
            (amount, org_id),
        ).fetchone()
        self._entry(conn, org_id, kind, amount, description, reference)
        return row["balance_pence"]

    def refund(
        self, org_id: uuid.UUID, amount: int, description: str, reference: str | None = None
    ) -> int:
        with self.db.tenant(org_id) as conn:
            return self.credit(conn, org_id, "refund", amount, description, reference)

    @staticmethod
    def _ensure_wallet(conn: psycopg.Connection, org_id: uuid.UUID) -> None:
        conn.execute("insert into wallets (org_id) values (%s) on conflict do nothing", (org_id,))

    @staticmethod
    def _entry(
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        kind: str,
        amount: int,
        description: str,
        reference: str | None,
    ) -> None:
        conn.execute(
            "insert into ledger_entries (org_id, kind, amount_pence, description, reference)"
            " values (%s, %s, %s, %s, %s)",
            (org_id, kind, amount, description, reference),
        )

    # -- top-ups -------------------------------------------------------------------------

    def new_top_up(
        self, org_id: uuid.UUID, amount: int, top_up_id: uuid.UUID | None = None
    ) -> TopUp | None:
        """A top-up waiting for its payment; its id makes the provider's idempotency key.

        None when a top-up with the given id already exists (nothing changes).
        """
        top_up_id = top_up_id or uuid.uuid4()
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "insert into top_ups (id, org_id, amount_pence, provider_idempotency_key)"
                " values (%s, %s, %s, %s) on conflict do nothing"
                f" returning {_TOP_UP_COLUMNS}",
                (top_up_id, org_id, amount, f"top-up-{top_up_id}"),
            ).fetchone()
        return _top_up(row) if row else None

    def top_up_sent(self, org_id: uuid.UUID, top_up_id: uuid.UUID, intent_id: str) -> TopUp:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "update top_ups set payment_intent_id = %s,"
                " status = case when status = 'creating' then 'awaiting_payment' else status end"
                f" where id = %s returning {_TOP_UP_COLUMNS}",
                (intent_id, top_up_id),
            ).fetchone()
        return _top_up(row)

    def top_up_failed(self, org_id: uuid.UUID, top_up_id: uuid.UUID) -> None:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "update top_ups set status = 'failed' where id = %s"
                " and status in ('creating', 'awaiting_payment')",
                (top_up_id,),
            )

    def top_up_owner(self, intent_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(top-up id, organisation) of a payment intent, before any organisation is known."""
        with self.db.anonymous() as conn:
            row = conn.execute(
                "select top_up_id, org_id from find_top_up_owner(%s)", (intent_id,)
            ).fetchone()
        return (row["top_up_id"], row["org_id"]) if row else None

    def settle_top_up(
        self,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        event: ProviderEvent,
        paid_amount: int | None,
    ) -> str:
        """Records the event and applies it to the top-up, in one transaction.

        `paid_amount` is what the provider says was paid (None for a failed payment). Returns
        "duplicate" (the event was processed before: nothing changes), "credited", "failed" or
        "ignored" (the top-up was already settled, or the amount does not match it).
        """
        with self.db.tenant(org_id) as conn:
            if not self._first_time(conn, event):
                return "duplicate"
            if paid_amount is None:
                row = conn.execute(
                    "update top_ups set status = 'failed', failed_by_event_at ="
                    " greatest(failed_by_event_at, %s) where id = %s"
                    " and status in ('creating', 'awaiting_payment', 'failed') returning id",
                    (event.created, top_up_id),
                ).fetchone()
                return "failed" if row else "ignored"
            row = conn.execute(
                "update top_ups set status = 'succeeded', credited_at = now()"
                f" where id = %(id)s and {self._still_payable()}"
                " and amount_pence = %(paid)s returning amount_pence",
                {"id": top_up_id, "succeeded_at": event.created, "paid": paid_amount},
            ).fetchone()
            if row is None:
                return "ignored"
            balance = self.credit(
                conn, org_id, "top_up", paid_amount, "Wallet top-up by card", f"top_up:{top_up_id}"
            )
            self.outbox.record_event(
                conn,
                org_id,
                WALLET_TOPPED_UP,
                {
                    "top_up_id": str(top_up_id),
                    "amount_pence": paid_amount,
                    "balance_pence": balance,
                },
            )
        return "credited"

    @staticmethod
    def _still_payable() -> str:
        """SQL: the top-up may still be paid by a success event created at %(succeeded_at)s.

        Waiting for payment, or failed only by events no newer than the success: the customer
        can try another card on the same payment, and the provider's success is its last word
        (a tie goes to it). A success older than the latest failure changes nothing.
        """
        return (
            "(status in ('creating', 'awaiting_payment') or (status = 'failed'"
            " and failed_by_event_at <= %(succeeded_at)s))"
        )

    # -- provider events -----------------------------------------------------------------

    def record_event(self, event: ProviderEvent) -> bool:
        """For events that change nothing else: False when the event was already recorded."""
        with self.db.anonymous() as conn:
            return self._first_time(conn, event)

    @staticmethod
    def _first_time(conn: psycopg.Connection, event: ProviderEvent) -> bool:
        """The database half of "each event is processed once"."""
        row = conn.execute(
            "insert into payment_events (event_id, event_type) values (%s, %s)"
            " on conflict (event_id) do nothing returning event_id",
            (event.id, event.type),
        ).fetchone()
        return row is not None

    # -- phone numbers -------------------------------------------------------------------

    def phone_number(self, org_id: uuid.UUID) -> PhoneNumber | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select e164, created_at from phone_numbers where org_id = %s", (org_id,)
            ).fetchone()
        return PhoneNumber(**row) if row else None

    def save_phone_number(
        self, org_id: uuid.UUID, e164: str, provider_reference: str
    ) -> PhoneNumber:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "insert into phone_numbers (org_id, e164, provider_reference)"
                " values (%s, %s, %s) returning e164, created_at",
                (org_id, e164, provider_reference),
            ).fetchone()
        return PhoneNumber(**row)
