"""Reads a merchant's wallet, ledger, top-ups, provider events and phone number from the
database and Redis, and says in product language what differs from what was expected."""

from __future__ import annotations

import re
from typing import Any

import httpx
import psycopg

from support.checks.outcomes import error_of
from support.clients.cache import Cache
from support.clients.database import Database
from support.drivers.accounts import Account
from support.drivers.base import describe, insist
from support.drivers.wallet import WalletDriver
from support.report.evidence import attach_text
from support.target.inprocess import ServiceLog

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


def expect_balance_shown(wallet: WalletDriver, account: Account, pence: int, who: str) -> None:
    shown = wallet.balance(account)
    if shown != pence:
        raise AssertionError(
            f"Expected {who} to be shown a balance of {pence} credits, but the wallet shows "
            f"{shown}."
        )


def expect_wallet_holds(
    wallet: WalletDriver, database: Database, account: Account, pence: int
) -> None:
    """What the merchant is shown and what the database holds are both `pence`."""
    expect_balance_shown(wallet, account, pence, "the merchant")
    expect_balance(database, account.organisation_id, pence)


def expect_ledger_shows(
    wallet: WalletDriver, database: Database, account: Account, kind: str, amount: int
) -> None:
    """Exactly one entry of this kind, of this signed amount, recorded and listed."""
    entries = ledger(database, account.organisation_id)
    of_kind = [e["amount_pence"] for e in entries if e["kind"] == kind]
    named = kind.replace("_", "-")
    if of_kind != [amount]:
        raise AssertionError(
            f"Expected the ledger to hold one {named} of {abs(amount)} credits, but its "
            f"{named}s are {of_kind or 'none'} (all entries: {kinds(entries)})."
        )
    listed = wallet.ledger_page(account, 100, 0)["entries"]
    if [e["amount_pence"] for e in listed if e["kind"] == kind] != [amount]:
        raise AssertionError(f"Expected the merchant's ledger listing to show the {named} too.")


def expect_charges_split(outcomes: list[httpx.Response], succeeded: int) -> None:
    statuses = [response.status_code for response in outcomes]
    if statuses.count(201) != succeeded or statuses.count(402) != len(statuses) - succeeded:
        raise AssertionError(
            f"Expected {succeeded} charges to succeed and {len(statuses) - succeeded} to be "
            f"refused for lack of credit, but the answers were {sorted(statuses)}."
        )


def expect_page_sizes(pages: list[list[dict]], expected: list[int]) -> None:
    found = [len(page) for page in pages]
    if found != expected:
        raise AssertionError(f"Expected pages of {expected} entries, but got pages of {found}.")


def expect_every_entry_once(
    database: Database, organisation_id: str, pages: list[list[dict]]
) -> None:
    listed = [entry["id"] for page in pages for entry in page]
    recorded = [e["id"] for e in reversed(ledger(database, organisation_id))]
    if listed != recorded:
        repeated = sorted({i for i in listed if listed.count(i) > 1})
        missing = sorted(set(recorded) - set(listed))
        raise AssertionError(
            f"Expected the pages to list all {len(recorded)} entries once each, newest first; "
            f"repeated: {repeated or 'none'}, missing: {missing or 'none'}, "
            f"in order: {'yes' if sorted(listed, reverse=True) == listed else 'no'}."
        )


def expect_summary(
    wallet: WalletDriver, account: Account, purchased: int, spent: int, refunded: int, bonus: int
) -> None:
    shown = wallet.wallet(account)
    found = tuple(shown[f"{k}_pence"] for k in ("purchased", "spent", "refunded", "bonus"))
    if found != (purchased, spent, refunded, bonus):
        raise AssertionError(
            f"Expected the summary to show {purchased} purchased, {spent} spent, {refunded} "
            f"refunded and {bonus} bonus, but it shows {found[0]} purchased, {found[1]} spent, "
            f"{found[2]} refunded and {found[3]} bonus."
        )


def expect_net_equals_balance(
    wallet: WalletDriver, database: Database, account: Account, pence: int
) -> None:
    shown = wallet.wallet(account)
    if not shown["net_pence"] == shown["balance_pence"] == pence:
        raise AssertionError(
            f"Expected the summary's net and the balance both to be {pence} credits, but the "
            f"net is {shown['net_pence']} and the balance {shown['balance_pence']}."
        )
    expect_balance(database, account.organisation_id, pence)


def expect_empty_wallet(wallet: WalletDriver, account: Account) -> None:
    shown = wallet.wallet(account)
    listed = wallet.ledger_page(account, 100, 0)["entries"]
    if shown["balance_pence"] != 0 or shown["purchased_pence"] != 0 or listed:
        raise AssertionError(
            f"Expected the other merchant to see an empty wallet, but it shows a balance of "
            f"{shown['balance_pence']} and {len(listed)} ledger entries."
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


def only_top_up(database: Database, organisation_id: str) -> dict[str, Any]:
    """The merchant's one top-up (the scenarios that read it make exactly one)."""
    rows = database.read(
        "the merchant's top-ups",
        "select id, amount_pence, status, provider_idempotency_key, payment_intent_id,"
        " credited_at from top_ups where org_id = %s",
        (organisation_id,),
    )
    if len(rows) != 1:
        raise AssertionError(f"Expected the merchant to have one top-up, found {len(rows)}.")
    return rows[0]


def expect_only_top_up_status(database: Database, organisation_id: str, status: str) -> None:
    _expect_top_up_status(only_top_up(database, organisation_id)["status"], status)


def _expect_top_up_status(found: str, status: str) -> None:
    if found != status:
        raise AssertionError(
            f"Expected the top-up to be recorded as {status.replace('_', ' ')}, "
            f"but it is recorded as {found.replace('_', ' ')}."
        )


def expect_idempotency_key_kept(database: Database, organisation_id: str, sent: str) -> None:
    kept = only_top_up(database, organisation_id)["provider_idempotency_key"]
    if kept != sent:
        raise AssertionError(
            f"Expected the platform to keep the idempotency key it sent, {sent!r}, "
            f"but it kept {kept!r}."
        )


def _event_records(database: Database, cache: Cache, event_id: str) -> tuple[int, bool]:
    """(rows in the database, whether Redis notes it) for one provider event."""
    rows = database.read(
        "the platform's record of the provider event",
        "select event_id, event_type, received_at from payment_events where event_id = %s",
        (event_id,),
    )
    seen = cache.read("the platform's note of the provider event", EVENT_SEEN_KEY.format(event_id))
    return len(rows), seen["value"] is not None


def expect_event_recorded_once(database: Database, cache: Cache, event_id: str) -> None:
    rows, noted = _event_records(database, cache, event_id)
    if rows != 1:
        raise AssertionError(
            f"Expected the platform's records to hold the provider event once, found {rows}."
        )
    if not noted:
        raise AssertionError(
            "Expected the platform to note the provider event in Redis, but it has not."
        )


def expect_events_not_recorded(database: Database, cache: Cache, event_ids: list[str]) -> None:
    if not event_ids:
        raise AssertionError("Expected a refused event to check, but none was delivered.")
    for event_id in event_ids:
        if _event_records(database, cache, event_id) != (0, False):
            raise AssertionError(
                "Expected the refused event to leave no record, but it was recorded."
            )


def phone_number(database: Database, organisation_id: str) -> str | None:
    rows = database.read(
        "the merchant's phone number",
        "select e164, provider_reference, created_at from phone_numbers where org_id = %s",
        (organisation_id,),
    )
    return rows[0]["e164"] if rows else None


def expect_number_recorded(database: Database, organisation_id: str, number: str | None) -> None:
    """The merchant's recorded number is `number` (None: no number is recorded)."""
    recorded = phone_number(database, organisation_id)
    if recorded != number:
        wanted = f"{number} to be recorded as" if number else "no number recorded as"
        raise AssertionError(f"Expected {wanted} the merchant's, but found {recorded}.")


def numbers_given(outcomes: list[httpx.Response]) -> list[str]:
    return [insist(o, 200, "provide a phone number")["phone_number"] for o in outcomes]


def expect_told_bought_now(outcomes: list[httpx.Response], bought_now: int) -> None:
    """How many of the answers say the number was bought for this request (the others say it
    was already the merchant's)."""
    told = [insist(o, 200, "provide a phone number")["newly_provisioned"] for o in outcomes]
    if told.count(True) != bought_now or told.count(False) != len(told) - bought_now:
        raise AssertionError(
            f"Expected {bought_now} of {len(told)} answers to say the number was bought now and "
            f"the others that it was already the merchant's, but they said {told}."
        )


def expect_number_given(outcome: httpx.Response, sold: list[str]) -> str:
    """A number in E.164 form, and the one the telephony provider sold."""
    (number,) = numbers_given([outcome])
    if not E164.match(number or ""):
        raise AssertionError(f"Expected a number in international (E.164) form, got {number!r}.")
    if number not in sold:
        raise AssertionError(
            f"Expected the merchant to be given the number the provider sold ({sold}), "
            f"but was given {number!r}."
        )
    return number


def expect_each_given_own_number(
    wallet: WalletDriver, crowd: list[Account], outcomes: list[httpx.Response], credits: int
) -> None:
    """Every merchant got a number, no two the same, and paid for it once."""
    refused = [o for o in outcomes if o.status_code != 200]
    if refused:
        raise AssertionError(
            f"Expected every one of {len(outcomes)} merchants asking at once to get a number, "
            f"but {len(refused)} did not; the first was answered {describe(refused[0])}."
        )
    given = numbers_given(outcomes)
    if len(set(given)) != len(crowd):
        raise AssertionError(f"Expected {len(crowd)} different numbers, but got {given}.")
    for merchant in crowd:
        expect_balance_shown(wallet, merchant, credits, "each merchant")


def expect_same_number(outcomes: list[httpx.Response], number: str | None = None) -> None:
    """Every request got one and the same number (this one, when given)."""
    given = numbers_given(outcomes)
    if len(set(given)) != 1 or (number is not None and given[0] != number):
        wanted = f"the number {number}" if number else "the same number"
        raise AssertionError(f"Expected every request to get {wanted}, got {given}.")


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
        attach_text(
            "The database refused a negative balance",
            f"{statement}\n-> {refusal.diag.message_primary}",
        )
        return
    raise AssertionError(
        f"Expected the platform's records to refuse a negative balance, but {outcome} "
        "(and was rolled back by the suite)."
    )


def expect_top_up_shown_for_review(
    response: httpx.Response, reason: str, confirmed: dict[str, Any]
) -> None:
    """The merchant's own view of the top-up says it needs review, and why: what the provider
    confirmed (the amount in pence, or the currency) is named."""
    shown = insist(response, 200, "show the top-up")
    said = shown.get("review_reason") or ""
    words = {
        "the amount differs": f"{confirmed['amount_received']} pence",
        "the currency differs": str(confirmed["currency"]).upper(),
    }[reason]
    if shown.get("status") != "needs_review" or words not in said:
        raise AssertionError(
            f"Expected the merchant to see that the top-up needs review because {reason}, but "
            f"it shows the status {shown.get('status')!r} with the reason {said!r}."
        )


def expect_review_logged(service_log: ServiceLog, top_up_id: str, times: int | None = None) -> None:
    """Operators are told, as an error in the service's log, which top-up needs review (exactly
    `times` times, when given)."""
    expect_error_logged(service_log, [top_up_id, "review"], times)


def expect_error_logged(
    service_log: ServiceLog, words: list[str], times: int | None = None
) -> None:
    """Operators are told, as an error in the service's log that says all these words (at least
    once, or exactly `times` times)."""
    errors = service_log.errors()
    attach_text("Errors the service logged", "\n".join(errors) or "(none)")
    said = sum(all(word in line for word in words) for line in errors)
    if (said != times) if times is not None else not said:
        raise AssertionError(
            f"Expected the service to log an error saying {words} "
            f"{f'exactly {times} time(s)' if times is not None else ''}, but it logged it "
            f"{said} time(s) among {len(errors)} errors: {errors[:3]}."
        )


def expect_told_credit_needed(response: httpx.Response, pounds: str) -> None:
    """A refusal for lack of credit says how much the wallet needs, in pounds."""
    said = error_of(response)["message"]
    if f"at least {pounds}" not in said:
        raise AssertionError(
            f"Expected the merchant to be told the wallet needs at least {pounds}, "
            f"but was told: {said!r}."
        )


# -- refunds and disputes of top-up payments ------------------------------------------------


def expect_taken_back(database: Database, organisation_id: str, amounts: list[int]) -> None:
    """The ledger's entries taking back top-ups' credit are exactly these, oldest first."""
    found = [
        -entry["amount_pence"]
        for entry in ledger(database, organisation_id)
        if entry["kind"] == "reversal"
    ]
    if found != amounts:
        said = ", ".join(str(amount) for amount in amounts) or "nothing"
        raise AssertionError(
            f"Expected the ledger to show credit taken back as {said}, but it shows "
            f"{', '.join(str(amount) for amount in found) or 'nothing taken back'}."
        )


def expect_top_up_status_of(
    database: Database, organisation_id: str, top_up_id: str, status: str
) -> None:
    rows = database.read(
        "the merchant's top-up",
        "select status from top_ups where org_id = %s and id = %s",
        (organisation_id, top_up_id),
    )
    _expect_top_up_status(rows[0]["status"] if rows else "missing", status)


def held_events(database: Database, organisation_id: str) -> list[dict[str, Any]]:
    return database.read(
        "the events kept for an operator",
        "select event_id, event_type, owed_pence, reason from wallet_holds where org_id = %s",
        (organisation_id,),
    )


def expect_hold_reason(database: Database, organisation_id: str, reason: str) -> None:
    """The operator is told why the provider's message was kept, in the words given."""
    reasons = [row["reason"] for row in held_events(database, organisation_id)]
    attach_text("Why the messages were kept", "\n".join(reasons) or "(none kept)")
    if reasons != [reason]:
        raise AssertionError(f"Expected one message kept because {reason!r}, but {reasons!r}.")


def expect_on_hold(database: Database, organisation_id: str, held: bool) -> None:
    rows = database.read(
        "the merchant's wallet",
        "select on_hold_since from wallets where org_id = %s",
        (organisation_id,),
    )
    on_hold = bool(rows and rows[0]["on_hold_since"])
    if on_hold != held:
        raise AssertionError(
            f"Expected the merchant's wallet {'to be' if held else 'not to be'} on hold, "
            f"but it {'is' if on_hold else 'is not'}."
        )


def expect_kept_for_operator(
    database: Database, organisation_id: str, event_ids: list[str]
) -> None:
    kept = [row["event_id"] for row in held_events(database, organisation_id)]
    if sorted(kept) != sorted(event_ids):
        raise AssertionError(
            f"Expected {len(event_ids)} message(s) from the payment provider kept for an "
            f"operator, but {len(kept)} are kept."
        )
