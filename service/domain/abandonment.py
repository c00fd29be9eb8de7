"""Checkout abandonment: nudge emails to merchants who viewed the payment step and did not pay.

The job takes "now" as an input (scheduled runs pass the clock's time, operators and the suite
pass their own), works a batch of merchants at a time with a fixed number of queries and one
email provider call per batch, and guards each email with a unique record written before it is
sent and before any bonus is credited.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from service.providers import ProviderNotConfigured, ProviderOutcomeUnknown, ProviderUnavailable
from service.providers.email import EmailProvider, Message, Outcome
from service.stores.abandonment import (
    AbandonmentStore,
    Candidate,
    Claim,
    Delivery,
    RunCounts,
)

log = logging.getLogger("service.domain.abandonment")

# How long after the merchant's latest view of the payment step each email is due.
EMAIL_DELAYS = {1: timedelta(hours=1), 2: timedelta(hours=24), 3: timedelta(hours=48)}
LAST_CHANCE = 3
BONUS_PENCE = 1000  # £10 of credit with the last-chance email
SCHEDULE_MINUTES = 15
ERRORS_KEPT = 100  # a run where the provider is down all along must not keep 100,000 sentences

EMAILS = {
    1: (
        "Your account is nearly ready",
        "You were one step from finishing your set-up. Pick up where you left off.",
    ),
    2: (
        "A reminder: finish setting up your account",
        "Your account is waiting for its last step. It only takes a minute.",
    ),
    3: (
        "Last chance: 1000 bonus credits are in your wallet",
        "We have added 1000 bonus credits to your wallet. Finish setting up to use them.",
    ),
}


class Abandonment:
    def __init__(self, store: AbandonmentStore, email: EmailProvider, batch_size: int) -> None:
        self.store = store
        self.email = email
        self.batch_size = batch_size

    # -- the rules (small methods, so that a catalogued defect can replace exactly one) ----

    def is_candidate(self, candidate: Candidate) -> bool:
        """Viewed the payment step (every candidate did), has not paid, has not finished."""
        return not candidate.paid and not candidate.completed

    def due_email(self, viewed_at: datetime, now: datetime) -> int | None:
        """The latest email due this long after the view, or None before the first is due."""
        waited = now - viewed_at
        due = [number for number, delay in EMAIL_DELAYS.items() if waited >= delay]
        return max(due) if due else None

    def emails_to_send(self, candidate: Candidate, due: int) -> list[int]:
        """The one email due now, unless it was sent already; never the earlier ones late."""
        return [] if due in candidate.taken else [due]

    # -- the run -------------------------------------------------------------------------

    def run(self, now: datetime, scope: list[uuid.UUID] | None = None) -> dict[str, Any]:
        """One run over every merchant (or only those in `scope`); returns its record."""
        label = "everyone" if scope is None else f"{len(scope)} merchants named by an operator"
        run_id = self.store.start_run(now, label)
        totals, errors = RunCounts(), []
        try:
            self.email.check_configured()
            after: uuid.UUID | None = None
            # Until a batch comes back empty: one more cheap query per run, and every run's
            # query count is then exactly its fixed part plus the same amount per batch.
            while batch := self.store.candidates(after, scope, self.batch_size):
                after = batch[-1].org_id
                totals = _add(totals, self._work(run_id, now, batch, errors))
        except ProviderNotConfigured as error:
            errors.append(f"Emails cannot be sent: {error}.")
        except Exception as error:  # the run is recorded as it stood, then the error raised
            log.exception("The checkout abandonment run %s stopped", run_id)
            errors.append(f"The run stopped: {type(error).__name__}.")
            self.store.end_run(run_id, totals, _kept(errors))
            raise
        record = self.store.end_run(run_id, totals, _kept(errors))
        log.info(
            "Checkout abandonment run %s: %s processed, %s sent, %s skipped, %s failed",
            run_id,
            totals.processed,
            totals.sent,
            totals.skipped,
            totals.failed,
        )
        return record

    def _work(
        self, run_id: int, now: datetime, batch: list[Candidate], errors: list[str]
    ) -> RunCounts:
        claims: list[Claim] = []
        processed = skipped = 0
        for candidate in batch:
            if not self.is_candidate(candidate):
                continue
            due = self.due_email(candidate.viewed_at, now)
            if due is None:
                continue
            processed += 1
            numbers = self.emails_to_send(candidate, due)
            if not numbers:
                skipped += 1
            claims += [Claim(candidate.org_id, n, candidate.viewed_at) for n in numbers]
        held = self._claim(run_id, claims)
        ours = [c for c in claims if (c.org_id, c.email_number) in held]
        # A merchant whose email another run holds (or has just sent) is skipped here.
        skipped += len({c.org_id for c in claims} - {c.org_id for c in ours})
        addresses = {c.org_id: c.email for c in batch}
        deliveries = self._deliver(ours, addresses, errors)
        self._finish(deliveries)
        sent = sum(1 for d in deliveries if d.error is None)
        return RunCounts(processed, sent, skipped, len(deliveries) - sent)

    def _claim(self, run_id: int, claims: list[Claim]) -> set[tuple[uuid.UUID, int]]:
        return self.store.claim(run_id, claims)

    def _finish(self, deliveries: list[Delivery]) -> None:
        self.store.finish(deliveries, BONUS_PENCE)

    def _deliver(
        self, claims: list[Claim], addresses: dict[uuid.UUID, str | None], errors: list[str]
    ) -> list[Delivery]:
        if not claims:
            return []
        sendable = [c for c in claims if addresses.get(c.org_id)]
        deliveries = [
            Delivery(c.org_id, c.email_number, None, "the merchant has no owner's address")
            for c in claims
            if not addresses.get(c.org_id)
        ]
        messages = [_message(addresses[c.org_id] or "", c.email_number) for c in sendable]
        unknown = False
        try:
            outcomes = self._send(messages)
            answered = True
        except ProviderOutcomeUnknown as error:
            # At most once: the provider may have sent them, so they are never sent again by
            # themselves; an operator checks with the provider (the records say 'unknown').
            errors.append(
                f"The outcome of a batch of {len(messages)} emails is unknown: {error}. They may "
                "have been sent, so they will not be sent again; their records say 'unknown' "
                "(check them with the email provider)."
            )
            outcomes, answered, unknown = [Outcome(None, str(error))] * len(messages), False, True
        except ProviderUnavailable as error:  # one error for the batch, not one per merchant
            errors.append(f"A batch of {len(messages)} emails was not sent: {error}.")
            outcomes, answered = [Outcome(None, str(error))] * len(messages), False
        for claim, outcome in zip(sendable, outcomes, strict=True):
            deliveries.append(
                Delivery(
                    claim.org_id, claim.email_number, outcome.message_id, outcome.refusal, unknown
                )
            )
            if answered and not outcome.accepted:
                errors.append(
                    f"Email {claim.email_number} to merchant {claim.org_id} was refused: "
                    f"{outcome.refusal}."
                )
        return deliveries

    def _send(self, messages: list[Message]) -> list[Outcome]:
        """One provider call for the whole batch."""
        return self.email.send_batch(messages) if messages else []


def _message(address: str, number: int) -> Message:
    subject, text = EMAILS[number]
    return Message(address, subject, text, f"checkout-abandonment-{number}")


def _kept(errors: list[str]) -> list[str]:
    """The run's record keeps the first errors and says how many more there were."""
    if len(errors) <= ERRORS_KEPT:
        return errors
    return [*errors[:ERRORS_KEPT], f"… and {len(errors) - ERRORS_KEPT} more errors."]


def _add(a: RunCounts, b: RunCounts) -> RunCounts:
    return RunCounts(
        a.processed + b.processed, a.sent + b.sent, a.skipped + b.skipped, a.failed + b.failed
    )


class AbandonmentSchedule:
    """Runs the job every 15 minutes in the service's process (APScheduler): one run at a
    time per process, missed runs coalesced; several processes may run it at once safely."""

    def __init__(self, job: Abandonment) -> None:
        self._job = job
        self._scheduler = BackgroundScheduler(timezone=UTC)

    def start(self) -> None:
        self._scheduler.add_job(
            self._run_now,
            IntervalTrigger(minutes=SCHEDULE_MINUTES, timezone=UTC),
            id="checkout-abandonment",
            max_instances=1,
            coalesce=True,
            replace_existing=True,
        )
        self._scheduler.start()

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def _run_now(self) -> None:
        try:
            self._job.run(datetime.now(UTC))
        except Exception:  # logged by the job; the next run tries again
            log.warning("A scheduled checkout abandonment run failed; the next one will retry")
