"""The nudge job's rules on their own: which email is due when, no backfill, kept errors, and
which of the email provider's troubles leave an email's outcome unknown."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses

from service.domain.abandonment import ERRORS_KEPT, Abandonment, _kept
from service.providers import ProviderOutcomeUnknown, ProviderUnavailable
from service.providers.email import EmailProvider, Message
from service.stores.abandonment import Candidate

VIEWED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def job() -> Abandonment:
    return Abandonment(store=None, email=None, batch_size=500)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("waited", "due"),
    [
        (timedelta(minutes=59, seconds=59), None),
        (timedelta(hours=1), 1),
        (timedelta(hours=23, minutes=59, seconds=59), 1),
        (timedelta(hours=24), 2),
        (timedelta(hours=47, minutes=59, seconds=59), 2),
        (timedelta(hours=48), 3),
        (timedelta(days=30), 3),
        (timedelta(hours=-1), None),
    ],
)
def test_the_latest_email_due_decides(job: Abandonment, waited: timedelta, due: int | None):
    assert job.due_email(VIEWED, VIEWED + waited) == due


def candidate(taken: set[int], paid: bool = False, completed: bool = False) -> Candidate:
    return Candidate(uuid.uuid4(), VIEWED, "owner@example.com", paid, completed, frozenset(taken))


def test_only_the_email_due_is_sent_never_the_earlier_ones(job: Abandonment) -> None:
    assert job.emails_to_send(candidate(set()), 3) == [3]
    assert job.emails_to_send(candidate({1}), 3) == [3]
    assert job.emails_to_send(candidate({3}), 3) == []


def test_merchants_who_paid_or_finished_are_not_candidates(job: Abandonment) -> None:
    assert job.is_candidate(candidate(set()))
    assert not job.is_candidate(candidate(set(), paid=True))
    assert not job.is_candidate(candidate(set(), completed=True))


@pytest.mark.parametrize(("made", "kept"), [(99, 99), (100, 100), (101, 100), (250, 100)])
def test_a_run_keeps_its_first_100_errors_and_counts_the_rest(made: int, kept: int) -> None:
    """Written out, not ERRORS_KEPT: a record that keeps 99 or 101 must fail here too."""
    errors = [f"error {n}" for n in range(made)]
    record = _kept(errors)
    assert ERRORS_KEPT == 100
    assert record[:kept] == errors[:kept]
    if made == kept:
        assert record == errors
    else:
        assert record[100:] == [f"… and {made - 100} more errors."]


@pytest.mark.parametrize(
    ("trouble", "unknown"),
    [
        (requests.exceptions.ReadTimeout("no answer"), True),  # sent, no answer: may have gone
        (requests.exceptions.ConnectTimeout("never connected"), False),  # surely not sent
        (requests.exceptions.ConnectionError("refused"), False),
    ],
)
def test_only_an_unanswered_batch_has_an_unknown_outcome(trouble: Exception, unknown: bool):
    provider = EmailProvider("https://email.example", "server-token", "shop@example.com")
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "https://email.example/email/batch", body=trouble)
        with pytest.raises(ProviderUnavailable) as failed:
            provider.send_batch([Message("owner@example.com", "Hello", "Text", "tag-1")])
    assert isinstance(failed.value, ProviderOutcomeUnknown) is unknown


def test_an_error_answer_is_a_plain_failure_tried_again_next_run() -> None:
    provider = EmailProvider("https://email.example", "server-token", "shop@example.com")
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, "https://email.example/email/batch", status=503)
        with pytest.raises(ProviderUnavailable) as failed:
            provider.send_batch([Message("owner@example.com", "Hello", "Text", "tag-1")])
    assert not isinstance(failed.value, ProviderOutcomeUnknown)
