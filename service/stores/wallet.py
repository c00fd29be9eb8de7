"""SQL for the wallet and its ledger: balances, entries, top-ups, events and phone numbers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

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
class Reversal:
    """A refund or dispute of a top-up's card payment, as the provider reported it."""

    event: ProviderEvent
    kind: str  # "refunded" or "disputed"
    claimed: int  # pence refunded in all (a running total) or disputed
    body: dict[str, Any]  # the event as it came, kept for an operator when it cannot be applied
    mismatch: str | None = None  # why it cannot be applied as it stands


CREDITED = ("succeeded", "refunded", "disputed")


def first_time(conn: psycopg.Connection, event: ProviderEvent) -> bool:
    """The database half of "each event is processed once" (top-ups' and orders' alike), inside
    the transaction that applies the event: False when it was recorded before."""
    row = conn.execute(
        "insert into payment_events (event_id, event_type) values (%s, %s)"
        " on conflict (event_id) do nothing returning event_id",
        (event.id, event.type),
    ).fetchone()
    return row is not None


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    created_at: datetime


@dataclass(frozen=True)
class TopUpState:
    """What the merchant sees of a top-up: how far it got, and why it waits for review."""

    id: uuid.UUID
    amount_pence: int
    status: str
    review_reason: str | None


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
                " coalesce(sum(amount_pence) filter (where kind in ('top_up', 'reversal')), 0)"
                " as purchased,"
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

        Returns the new balance, or None when the balance is too low or the wallet is on hold
        (nothing changes). The guard is in the UPDATE itself, so racing charges cannot
        overdraw; the table's check constraint is the last line of defence.
        """
        try:
            with self.db.tenant(org_id) as conn:
                self._ensure_wallet(conn, org_id)
                row = conn.execute(
                    "update wallets set balance_pence = balance_pence - %(amount)s,"
                    " updated_at = now()"
                    " where org_id = %(org)s and balance_pence >= %(amount)s"
                    f" and {self._spendable()} returning balance_pence",
                    {"amount": amount, "org": org_id},
                ).fetchone()
                if row is None:
                    return None
                self._entry(conn, org_id, "charge", -amount, description, reference)
                return row["balance_pence"]
        except errors.CheckViolation:
            return None

    @staticmethod
    def _spendable() -> str:
        """SQL: the wallet may be spent from (it is not on hold)."""
        return "on_hold_since is null"

    def on_hold(self, org_id: uuid.UUID) -> bool:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select on_hold_since from wallets where org_id = %s", (org_id,)
            ).fetchone()
        return bool(row and row["on_hold_since"])

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
            self._apply_earlier_reversal(conn, org_id, top_up_id, event)
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

    def hold_top_up_for_review(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, reason: str
    ) -> str:
        """Records the event and marks the top-up, if a success could still pay it, as needing
        review, crediting nothing. Returns "needs_review", "duplicate" or "ignored" (already
        settled, or failed by a newer event)."""
        with self.db.tenant(org_id) as conn:
            if not self._first_time(conn, event):
                return "duplicate"
            row = conn.execute(
                "update top_ups set status = 'needs_review', review_reason = %(reason)s"
                f" where id = %(id)s and {self._still_payable()} returning id",
                {"reason": reason, "id": top_up_id, "succeeded_at": event.created},
            ).fetchone()
        return "needs_review" if row else "ignored"

    def top_up_state(self, org_id: uuid.UUID, top_up_id: uuid.UUID) -> TopUpState | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select id, amount_pence, status, review_reason from top_ups where id = %s",
                (top_up_id,),
            ).fetchone()
        if row is None:
            return None
        return TopUpState(row["id"], row["amount_pence"], row["status"], row["review_reason"])

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

    # -- refunds and disputes of top-up payments ----------------------------------------

    def reverse_top_up(self, org_id: uuid.UUID, top_up_id: uuid.UUID, reversal: Reversal) -> str:
        """Records a refund or dispute event and applies it, in one transaction.

        Returns "duplicate", "noted" (the top-up was never credited: nothing is taken back, the
        claim is kept for when a payment confirmation arrives), "unchanged" (nothing more to
        take back), "taken_back" or "on_hold" (the balance was short, or the event does not
        match the top-up: the wallet is held and the event kept for an operator).
        """
        event = reversal.event
        with self.db.tenant(org_id) as conn:
            if not self._first_time(conn, event):
                return "duplicate"
            row = conn.execute(
                "select status, amount_pence from top_ups where id = %s for update", (top_up_id,)
            ).fetchone()
            credited = self._credited(row["status"])
            if reversal.mismatch is not None:
                self._hold(conn, org_id, top_up_id, reversal, 0, reversal.mismatch, credited)
                return "on_hold" if credited else "noted"
            conn.execute(
                "update top_ups set reversal_claimed_pence = greatest(reversal_claimed_pence,"
                " %(claim)s),"
                " reversal_kind = case when reversed_by_event_at is null"
                " or reversed_by_event_at <= %(at)s then %(kind)s else reversal_kind end,"
                " reversed_by_event_at = greatest(reversed_by_event_at, %(at)s)"
                " where id = %(id)s",
                {
                    "claim": reversal.claimed,
                    "at": event.created,
                    "kind": reversal.kind,
                    "id": top_up_id,
                },
            )
            if not credited:
                return "noted"
            return self._take_back(conn, org_id, top_up_id, reversal)

    def _apply_earlier_reversal(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        event: ProviderEvent,
    ) -> None:
        """A refund or dispute that arrived before the payment's confirmation is applied now
        that the credit is given (the provider made it later than the payment)."""
        row = conn.execute(
            "select reversal_kind from top_ups where id = %s", (top_up_id,)
        ).fetchone()
        if row["reversal_kind"] is not None:
            reversal = Reversal(event, row["reversal_kind"], 0, {"id": event.id})
            self._take_back(conn, org_id, top_up_id, reversal)

    def _take_back(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        reversal: Reversal,
    ) -> str:
        """Takes back what the provider's claims on the top-up add up to and the wallet has
        not given back yet, all of it or nothing; short of it, the wallet is held."""
        row = conn.execute(
            "update top_ups set status = reversal_kind where id = %s"
            f" returning {self._still_owed()} as due",
            (top_up_id,),
        ).fetchone()
        due = row["due"]
        if due <= 0:
            return "unchanged"
        self._ensure_wallet(conn, org_id)
        taken = conn.execute(
            "update wallets set balance_pence = balance_pence - %(due)s, updated_at = now()"
            " where org_id = %(org)s and balance_pence >= %(due)s returning balance_pence",
            {"due": due, "org": org_id},
        ).fetchone()
        if taken is None:
            return self._short(conn, org_id, top_up_id, reversal, due)
        what = "refunded" if reversal.kind == "refunded" else "disputed"
        self._entry(
            conn,
            org_id,
            "reversal",
            -due,
            f"Card payment {what}: top-up taken back",
            f"top_up:{top_up_id}",
        )
        conn.execute(
            "update top_ups set reclaimed_pence = reclaimed_pence + %s where id = %s",
            (due, top_up_id),
        )
        return "taken_back"

    def _short(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        reversal: Reversal,
        due: int,
    ) -> str:
        """The wallet holds less than is owed: nothing is taken, the wallet is held."""
        reason = (
            f"The card payment of this top-up was {reversal.kind}, and the wallet holds "
            f"less than the {due} pence to take back."
        )
        self._hold(conn, org_id, top_up_id, reversal, due, reason, True)
        return "on_hold"

    @staticmethod
    def _credited(status: str) -> bool:
        """The top-up's credit was given (and may since have been taken back)."""
        return status in CREDITED

    @staticmethod
    def _still_owed() -> str:
        """SQL over a top-up: what its refunds and disputes claim that was not taken back."""
        return "reversal_claimed_pence - reclaimed_pence"

    def _hold(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        reversal: Reversal,
        owed: int,
        reason: str,
        hold_wallet: bool,
    ) -> None:
        """Keeps the event for an operator and, when credit may be owed, holds the wallet."""
        conn.execute(
            "insert into wallet_holds (org_id, top_up_id, event_id, event_type, owed_pence,"
            " reason, event) values (%s, %s, %s, %s, %s, %s, %s)",
            (
                org_id,
                top_up_id,
                reversal.event.id,
                reversal.event.type,
                owed,
                reason,
                Jsonb(reversal.body),
            ),
        )
        if hold_wallet:
            self._ensure_wallet(conn, org_id)
            conn.execute(
                "update wallets set on_hold_since = coalesce(on_hold_since, now())"
                " where org_id = %s",
                (org_id,),
            )

    # -- provider events -----------------------------------------------------------------

    def record_event(self, event: ProviderEvent) -> bool:
        """For events that change nothing else: False when the event was already recorded."""
        with self.db.anonymous() as conn:
            return self._first_time(conn, event)

    @staticmethod
    def _first_time(conn: psycopg.Connection, event: ProviderEvent) -> bool:
        return first_time(conn, event)

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
