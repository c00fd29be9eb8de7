"""Reads what the checkout abandonment job did (the emails the provider was asked to send, the
platform's email records and run records) and says in product language what differs."""

from __future__ import annotations

from typing import Any

from support.clients.database import Database
from support.drivers.accounts import Account
from support.providers.email import EmailProviderFake

NUDGES = {1: "the gentle nudge (email 1)", 2: "the reminder (email 2)", 3: "last chance (email 3)"}


def _named(numbers: list[int]) -> str:
    return ", then ".join(NUDGES[n] for n in numbers) if numbers else "no email"


def expect_sent(email: EmailProviderFake, account: Account, numbers: list[int]) -> None:
    """Over the whole scenario, the merchant was sent exactly these emails, in this order."""
    sent = [e.number for e in email.sent_to(account.email)]
    if sent != numbers:
        raise AssertionError(
            f"Expected the merchant to have been sent {_named(numbers)}, but it was sent "
            f"{_named(sent)}."
        )


def expect_asked(email: EmailProviderFake, account: Account, numbers: list[int]) -> None:
    """Over the whole scenario, the provider was asked for exactly these emails to the
    merchant, answered or not, in this order."""
    asked = [e.number for e in email.asked_to(account.email)]
    if asked != numbers:
        raise AssertionError(
            f"Expected the email provider to have been asked for {_named(numbers)} to the "
            f"merchant, but it was asked for {_named(asked)}."
        )


def email_records(database: Database, organisation_id: str) -> list[dict[str, Any]]:
    return database.read(
        "the platform's records of the merchant's nudge emails",
        "select email_number, status, attempts, payment_viewed_at, sent_at, bonus_applied_at,"
        " error from abandonment_emails where org_id = %s order by email_number",
        (organisation_id,),
    )


def expect_records(database: Database, organisation_id: str, expected: dict[int, str]) -> None:
    """The platform's records of the merchant's emails: number -> sent / failed / unknown."""
    found = {r["email_number"]: r["status"] for r in email_records(database, organisation_id)}
    if found != expected:
        shown = ", ".join(f"email {n} as {s}" for n, s in sorted(found.items())) or "none"
        wanted = ", ".join(f"email {n} as {s}" for n, s in sorted(expected.items())) or "none"
        raise AssertionError(
            f"Expected the platform to record {wanted} for the merchant, but it records {shown}."
        )


def expect_bonus_marked_once(database: Database, organisation_id: str) -> None:
    records = [r for r in email_records(database, organisation_id) if r["email_number"] == 3]
    if not records or records[0]["bonus_applied_at"] is None:
        raise AssertionError(
            "Expected the last-chance email's record to say its bonus was applied, but it does not."
        )


def expect_counts(run: dict[str, Any], **counts: int) -> None:
    found = {name: run[name] for name in counts}
    if found != counts:
        said = ", ".join(f"{v} {k}" for k, v in counts.items())
        shown = ", ".join(f"{v} {k}" for k, v in found.items())
        raise AssertionError(f"Expected the run to report {said}, but it reported {shown}.")


def expect_counts_between(runs: list[dict[str, Any]], **counts: int) -> None:
    """Added up over runs that ran at the same moment."""
    expect_counts({name: sum(run[name] for run in runs) for name in counts}, **counts)


def expect_recorded_run(recorded: dict[str, Any], reported: dict[str, Any]) -> None:
    """The operator's view of the run agrees with what the run reported, start to end."""
    if recorded != reported:
        raise AssertionError(
            f"Expected the run's record to match what the run reported, but the record says "
            f"{recorded} and the run said {reported}."
        )
    if not recorded["started_at"] or not recorded["finished_at"]:
        raise AssertionError("Expected the run's record to hold when it started and ended.")
    if recorded["finished_at"] < recorded["started_at"]:
        raise AssertionError("Expected the run to end after it started.")


def expect_errors_name(run: dict[str, Any], count: int) -> None:
    if len(run["errors"]) != count:
        raise AssertionError(
            f"Expected the run to record {count} error(s), but it recorded {run['errors']}."
        )


def expect_scope_named(run: dict[str, Any], count: int) -> None:
    """The run's record says it covered only the merchants an operator named, and how many."""
    said = f"{count} merchants named by an operator"
    if run.get("scope") != said:
        raise AssertionError(
            f"Expected the run's record to say it covered {said!r}, "
            f"but it says {run.get('scope')!r}."
        )


def expect_one_call(email: EmailProviderFake, accounts: list[Account]) -> None:
    """The emails to these merchants went to the provider together, in one call."""
    calls = email.batches_with({a.email for a in accounts})
    sizes = [len(batch) for batch in calls]
    if sizes != [len(accounts)]:
        raise AssertionError(
            f"Expected the {len(accounts)} merchants' emails to go to the email provider in one "
            f"call, but they went in {len(calls)} call(s) of {sizes} messages."
        )


def expect_error_says_unknown(run: dict[str, Any]) -> None:
    """The run's record tells an operator that some emails' outcome is unknown."""
    if not any("unknown" in error for error in run["errors"]):
        raise AssertionError(
            "Expected the run's record to say that the outcome of an email is unknown, so that "
            f"an operator checks it, but its errors are {run['errors']}."
        )
