"""Reads a merchant's wallet, ledger, top-ups, provider events and phone number from the
database and Redis, and says in product language what differs from what was expected."""

from __future__ import annotations

import re
from typing import Any

import psycopg

from support.cache import Cache
from support.database import Database

# The platform's record of a provider event in Redis (the fast half of "processed once").
EVENT_SEEN_KEY = "payments:event:{}"
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def balance(database: Database, organisation_id: str) -> int:
    rows = database.read(
        "the merchant's wallet",
        "select balance_pence, updated_at from wallets where org_id = %s",
        (organisation_id,),
    )
    return rows[0]["balance_pence"] if rows else 0


def ledger(database: Database, organisation_id: str) -> list[dict[str, Any]]:
    return database.read(
        "the merchant's ledger",
        "select id, kind, amount_pence, description, created_at from ledger_entries"
        " where org_id = %s order by created_at, id",
        (organisation_id,),
    )


def expect_balance(database: Database, organisation_id: str, pence: int) -> None:
    found = balance(database, organisation_id)
    if found != pence:
        raise AssertionError(
            f"Expected the merchant's wallet to hold {pence}p, but it holds {found}p."
        )


def expect_ledger_equals_balance(database: Database, organisation_id: str) -> int:
    entries = ledger(database, organisation_id)
    total = sum(entry["amount_pence"] for entry in entries)
    held = balance(database, organisation_id)
    if total != held:
        raise AssertionError(
            f"Expected the ledger's {len(entries)} entries to add up to the balance of {held}p, "
            f"but they add up to {total}p."
        )
    if held < 0:
        raise AssertionError(f"Expected the wallet never to be overdrawn, but it holds {held}p.")
    return held


def kinds(entries: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(entry["kind"], entry["amount_pence"]) for entry in entries]


def expect_new_entries(
    database: Database, organisation_id: str, before: int, expected: list[tuple[str, int]]
) -> None:
    """The entries added since the ledger held `before` entries are exactly these (in order)."""
    added = kinds(ledger(database, organisation_id)[before:])
    if added != expected:
        shown = ", ".join(f"{kind} {amount:+d}p" for kind, amount in added) or "none"
        wanted = ", ".join(f"{kind} {amount:+d}p" for kind, amount in expected) or "none"
        raise AssertionError(
            f"Expected the ledger to gain these entries: {wanted}; it gained: {shown}."
        )


def top_up_record(database: Database, top_up_id: str) -> dict[str, Any]:
    rows = database.read(
        "the top-up",
        "select amount_pence, status, provider_idempotency_key, payment_intent_id, credited_at"
        " from top_ups where id = %s",
        (top_up_id,),
    )
    if len(rows) != 1:
        raise AssertionError(
            f"Expected the platform to keep one record of the top-up, found {len(rows)}."
        )
    return rows[0]


def expect_event_recorded_once(database: Database, cache: Cache, event_id: str) -> None:
    rows = database.read(
        "the platform's record of the provider event",
        "select event_id, event_type, received_at from payment_events where event_id = %s",
        (event_id,),
    )
    if len(rows) != 1:
        raise AssertionError(
            f"Expected the platform's records to hold the provider event once, found {len(rows)}."
        )
    seen = cache.read("the platform's note of the provider event", EVENT_SEEN_KEY.format(event_id))
    if seen["value"] is None:
        raise AssertionError(
            "Expected the platform to note the provider event in Redis, but it has not."
        )


def expect_event_not_recorded(database: Database, cache: Cache, event_id: str) -> None:
    rows = database.read(
        "the platform's record of the provider event",
        "select event_id from payment_events where event_id = %s",
        (event_id,),
    )
    seen = cache.read("the platform's note of the provider event", EVENT_SEEN_KEY.format(event_id))
    if rows or seen["value"] is not None:
        raise AssertionError("Expected the refused event to leave no record, but it was recorded.")


def phone_number(database: Database, organisation_id: str) -> str | None:
    rows = database.read(
        "the merchant's phone number",
        "select e164, provider_reference, created_at from phone_numbers where org_id = %s",
        (organisation_id,),
    )
    return rows[0]["e164"] if rows else None


def expect_only_top_up_status(database: Database, organisation_id: str, status: str) -> None:
    rows = database.read(
        "the merchant's top-ups",
        "select id, amount_pence, status, payment_intent_id, credited_at from top_ups"
        " where org_id = %s",
        (organisation_id,),
    )
    if len(rows) != 1:
        raise AssertionError(f"Expected the merchant to have one top-up, found {len(rows)}.")
    found = rows[0]["status"]
    if found != status:
        raise AssertionError(
            f"Expected the top-up to be recorded as {status.replace('_', ' ')}, "
            f"but it is recorded as {found.replace('_', ' ')}."
        )


def expect_negative_balance_refused(database: Database, organisation_id: str) -> None:
    """Tries, in a transaction that is always rolled back, to set the balance below zero."""
    statement = "update wallets set balance_pence = -1 where org_id = %s"
    outcome = "the update was accepted"
    try:
        with database.connection.transaction(force_rollback=True):
            changed = database.connection.execute(statement, (organisation_id,)).rowcount
            if changed != 1:
                outcome = f"the merchant has no wallet record ({changed} rows)"
    except psycopg.errors.CheckViolation as refusal:
        database.attach_note(
            "The database refused a negative balance",
            f"{statement}\n-> {refusal.diag.message_primary}",
        )
        return
    raise AssertionError(
        f"Expected the platform's records to refuse a negative balance, but {outcome} "
        "(and was rolled back by the suite)."
    )
