"""The nudge job's run over several batches, and the runs that cannot send or that stop.

What no scenario reaches in seconds: the suite's deployment works in batches of 500, so no
scenario's run adds two batches' counts; it always has the email provider's credentials; and
nothing makes its database fail halfway. Here the job runs over an in-memory store (batches in
organisation order, as the real one pages them) and an email provider that refuses some
addresses, so that every count and every error is known in advance.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from service.domain.abandonment import Abandonment
from service.providers.email import EmailProvider, Message, Outcome
from service.stores.abandonment import Candidate, Claim, Delivery, RunCounts

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
DUE_FOR_EMAIL_1 = NOW - timedelta(hours=1)


class MemoryStore:
    """The job's store, in memory: candidates in organisation order, every claim held."""

    def __init__(self, candidates: list[Candidate], fail_on_batch: int | None = None) -> None:
        self._candidates = sorted(candidates, key=lambda c: c.org_id)
        self._fail_on_batch = fail_on_batch
        self.batches = 0
        self.ended: dict[str, Any] | None = None

    def start_run(self, now: datetime, scope: str) -> int:
        return 1

    def candidates(self, after: uuid.UUID | None, scope: object, limit: int) -> list[Candidate]:
        self.batches += 1
        if self.batches == self._fail_on_batch:
            raise ConnectionError("the database went away")
        return [c for c in self._candidates if after is None or c.org_id > after][:limit]

    def claim(self, run_id: int, claims: list[Claim]) -> set[tuple[uuid.UUID, int]]:
        return {(c.org_id, c.email_number) for c in claims}

    def finish(self, deliveries: list[Delivery], bonus_pence: int) -> list[uuid.UUID]:
        return []

    def end_run(self, run_id: int, counts: RunCounts, errors: list[str]) -> dict[str, Any]:
        self.ended = {
            "processed": counts.processed,
            "sent": counts.sent,
            "skipped": counts.skipped,
            "failed": counts.failed,
            "errors": errors,
        }
        return self.ended


class RefusingProvider(EmailProvider):
    """Accepts every message but those to the refused addresses (one answer per message)."""

    def __init__(self, refused: set[str], token: str = "server-token") -> None:
        super().__init__("https://email.example", token, "shop@example.com")
        self.refused = refused

    def send_batch(self, messages: list[Message]) -> list[Outcome]:
        self.check_configured()
        return [
            Outcome(None, "inactive recipient") if m.to in self.refused else Outcome("id")
            for m in messages
        ]


def merchant(address: str, taken: frozenset[int] = frozenset()) -> Candidate:
    return Candidate(uuid.uuid4(), DUE_FOR_EMAIL_1, address, False, False, taken)


def test_a_runs_totals_add_up_every_batch() -> None:
    """Batches of one: two sent, two refused, two already sent, each in a batch of its own."""
    candidates = [
        merchant("sent-1@example.com"),
        merchant("sent-2@example.com"),
        merchant("refused-1@example.com"),
        merchant("refused-2@example.com"),
        merchant("had-it-1@example.com", frozenset({1})),
        merchant("had-it-2@example.com", frozenset({1})),
    ]
    store = MemoryStore(candidates)
    refused = {"refused-1@example.com", "refused-2@example.com"}
    job = Abandonment(store, RefusingProvider(refused), batch_size=1)  # type: ignore[arg-type]
    record = job.run(NOW)
    assert store.batches == 7  # six batches of one, and the empty one that ends the run
    assert (record["processed"], record["sent"], record["skipped"], record["failed"]) == (
        6,
        2,
        2,
        2,
    )
    assert len(record["errors"]) == 2


def test_a_run_without_the_email_providers_credentials_says_so_and_sends_nothing() -> None:
    store = MemoryStore([merchant("owner@example.com")])
    job = Abandonment(store, RefusingProvider(set(), token=""), batch_size=500)  # type: ignore[arg-type]
    record = job.run(NOW)  # not raised: the run is recorded, and the next one tries again
    assert record == {
        "processed": 0,
        "sent": 0,
        "skipped": 0,
        "failed": 0,
        "errors": ["Emails cannot be sent: EMAIL_SERVER_TOKEN is not set."],
    }
    assert store.batches == 0  # no merchant was read, so none was claimed


def test_a_run_that_stops_on_an_error_is_recorded_as_it_stood_and_the_error_raised() -> None:
    """The database fails on the second batch: the first batch's counts are kept."""
    store = MemoryStore([merchant("a@example.com"), merchant("b@example.com")], fail_on_batch=2)
    job = Abandonment(store, RefusingProvider(set()), batch_size=1)  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        job.run(NOW)
    assert store.ended == {
        "processed": 1,
        "sent": 1,
        "skipped": 0,
        "failed": 0,
        "errors": ["The run stopped: ConnectionError."],
    }
