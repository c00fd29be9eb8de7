"""Reads a merchant's onboarding record and wizard activity straight from the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from support.clients.database import Database


def onboarding_record(database: Database, organisation_id: str) -> dict[str, Any]:
    rows = database.read(
        "the merchant's onboarding record",
        "select business_name, category, onboarding_completed_at from organisations where id = %s",
        (organisation_id,),
    )
    if len(rows) != 1:
        raise AssertionError(
            f"Expected exactly one business record for the merchant, found {len(rows)}."
        )
    return rows[0]


def completion_time(database: Database, organisation_id: str) -> datetime | None:
    return onboarding_record(database, organisation_id)["onboarding_completed_at"]


def expect_completed(database: Database, organisation_id: str) -> datetime:
    completed_at = completion_time(database, organisation_id)
    if completed_at is None:
        raise AssertionError(
            "Expected onboarding to be recorded as complete, but no completion is recorded."
        )
    return completed_at


def expect_not_completed(database: Database, organisation_id: str) -> None:
    completed_at = completion_time(database, organisation_id)
    if completed_at is not None:
        raise AssertionError(
            f"Expected onboarding to be still incomplete, but it is recorded as complete at "
            f"{completed_at:%Y-%m-%d %H:%M:%S}."
        )


def expect_business_details(
    database: Database, organisation_id: str, name: str | None, category: str | None
) -> None:
    record = onboarding_record(database, organisation_id)
    found = (record["business_name"], record["category"])
    if found != (name, category):
        raise AssertionError(
            f"Expected the business to be recorded as {name!r} in the category {category!r}, "
            f"but found {found[0]!r} in the category {found[1]!r}."
        )


def wizard_activity(database: Database, organisation_id: str) -> list[tuple[str, int]]:
    rows = database.read(
        "the merchant's wizard activity",
        "select event_name, step_index from onboarding_events where org_id = %s order by id",
        (organisation_id,),
    )
    return [(row["event_name"], row["step_index"]) for row in rows]


def expect_activity(
    database: Database, organisation_id: str, expected: list[tuple[str, int]]
) -> None:
    found = wizard_activity(database, organisation_id)
    if found != expected:
        raise AssertionError(
            f"Expected the merchant's wizard activity to be {expected or 'empty'}, "
            f"but it is {found or 'empty'}."
        )


def expect_told_needs_onboarding(answer: bool, expected: bool) -> None:
    if answer is not expected:
        said = "still needs onboarding" if answer else "no longer needs onboarding"
        wanted = "still needed" if expected else "no longer needed"
        raise AssertionError(
            f"Expected the merchant to be told onboarding is {wanted}, but was told it {said}."
        )


def expect_kept_prefix(
    database: Database, organisation_id: str, detail: str, given: str, length: int
) -> None:
    """The stored business detail is the given text cut to its first `length` characters."""
    column = {"business name": "business_name", "category": "category"}[detail]
    stored = onboarding_record(database, organisation_id)[column]
    if stored != given[:length]:
        shown = "nothing" if stored is None else f"{len(stored)} characters"
        raise AssertionError(
            f"Expected the merchant's {detail} to be kept to its first {length} characters, "
            f"but {shown} were stored."
        )


def expect_completion_time(database: Database, organisation_id: str, first: datetime) -> None:
    now = expect_completed(database, organisation_id)
    if now != first:
        raise AssertionError(
            f"Expected onboarding to keep its first completion time {first:%H:%M:%S.%f}, "
            f"but it now reads {now:%H:%M:%S.%f}."
        )
