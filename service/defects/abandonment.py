"""Defects of checkout abandonment: timing, backfill, the unique guard, the bonus, isolation,
failures, races, batching and who may run the job."""

from __future__ import annotations

import dataclasses
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from service.defects.base import Defect
from service.domain.abandonment import BONUS_PENCE, LAST_CHANCE, Abandonment
from service.domain.operators import Operators
from service.providers import ProviderOutcomeUnknown, ProviderUnavailable
from service.providers.email import Message, Outcome
from service.stores.abandonment import (
    BONUS_DESCRIPTION,
    AbandonmentStore,
    Candidate,
    Claim,
    Delivery,
    RunCounts,
)

# How long the racing defect waits between looking and claiming: the window a busy database
# opens between two statements, made wide enough that two runs at once always fall into it.
RACE_WINDOW_SECONDS = 0.5


def _credit_bonus(conn: Any, org_id: uuid.UUID, pence: int) -> None:
    """A bonus credited with no email record guarding it (what the defects below get wrong)."""
    conn.execute(
        "insert into wallets as w (org_id, balance_pence) values (%s, %s)"
        " on conflict (org_id) do update"
        " set balance_pence = w.balance_pence + excluded.balance_pence",
        (org_id, pence),
    )
    conn.execute(
        "insert into ledger_entries (org_id, kind, amount_pence, description)"
        " values (%s, 'bonus', %s, %s)",
        (org_id, pence, BONUS_DESCRIPTION),
    )


class FirstEmailNeedsMoreThanAnHour(Abandonment):
    def due_email(self, viewed_at: datetime, now: datetime) -> int | None:
        if now - viewed_at == timedelta(hours=1):
            return None  # "more than an hour" instead of "an hour or more"
        return super().due_email(viewed_at, now)


class ReminderAt23Hours(Abandonment):
    def due_email(self, viewed_at: datetime, now: datetime) -> int | None:
        due = super().due_email(viewed_at, now)
        if due == 1 and now - viewed_at >= timedelta(hours=23):
            return 2
        return due


class EarlierEmailsBackfilled(Abandonment):
    def emails_to_send(self, candidate: Candidate, due: int) -> list[int]:
        return [n for n in range(1, due + 1) if n not in candidate.taken]


class CompletedMerchantsNudged(Abandonment):
    def is_candidate(self, candidate: Candidate) -> bool:
        return not candidate.paid


class PaidMerchantsNudged(Abandonment):
    def is_candidate(self, candidate: Candidate) -> bool:
        return not candidate.completed


class OneFailureStopsTheBatch(Abandonment):
    def _send(self, messages: list[Message]) -> list[Outcome]:
        outcomes = super()._send(messages)
        refused = [o for o in outcomes if not o.accepted]
        if refused:
            raise ProviderUnavailable(f"the batch stopped at a refusal: {refused[0].refusal}")
        return outcomes


class TimeoutResent(Abandonment):
    def _send(self, messages: list[Message]) -> list[Outcome]:
        try:
            return super()._send(messages)
        except ProviderOutcomeUnknown as error:  # "no answer" taken for "not sent"
            raise ProviderUnavailable(str(error)) from None


class EmailsSentOneByOne(Abandonment):
    def _send(self, messages: list[Message]) -> list[Outcome]:
        return [outcome for m in messages for outcome in self.email.send_batch([m])]


class BonusCreditedBeforeEmailRecord(Abandonment):
    def _claim(self, run_id: int, claims: list[Claim]) -> set[tuple[uuid.UUID, int]]:
        last_chances = [c.org_id for c in claims if c.email_number == LAST_CHANCE]
        with self.store.db.owner() as conn:  # the bonus first, before any record guards it
            for org_id in last_chances:
                _credit_bonus(conn, org_id, BONUS_PENCE)
        return super()._claim(run_id, claims)

    def _finish(self, deliveries: list[Delivery]) -> None:
        with self.store.db.owner() as conn:  # marks the emails; the bonus was paid already
            for d in deliveries:
                conn.execute(
                    "update abandonment_emails set status = %s, error = %s"
                    " where org_id = %s and email_number = %s",
                    ("sent" if d.error is None else "failed", d.error, d.org_id, d.email_number),
                )


class RacingRunsSendTwice(Abandonment):
    def _claim(self, run_id: int, claims: list[Claim]) -> set[tuple[uuid.UUID, int]]:
        time.sleep(RACE_WINDOW_SECONDS if claims else 0)
        super()._claim(run_id, claims)
        return {(c.org_id, c.email_number) for c in claims}  # the claim's answer is ignored


class BonusWhenLastChanceFailed(AbandonmentStore):
    def finish(self, deliveries: list[Delivery], bonus_pence: int) -> list[uuid.UUID]:
        credited = super().finish(deliveries, bonus_pence)
        failed = [d.org_id for d in deliveries if d.error and d.email_number == LAST_CHANCE]
        with self.db.owner() as conn:
            for org_id in failed:
                _credit_bonus(conn, org_id, bonus_pence)
        return credited + failed


class CandidatesReadOtherwise(AbandonmentStore):
    """A faulty reading of each batch of candidates: `_otherwise` changes what was found."""

    def candidates(
        self, after: uuid.UUID | None, scope: list[uuid.UUID] | None, limit: int
    ) -> list[Candidate]:
        return self._otherwise(super().candidates(after, scope, limit))

    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        return found


class EmailsTakenAcrossMerchants(CandidatesReadOtherwise):
    """Reads which emails went out without asking whose: any merchant's email counts as sent
    to every merchant (the candidates query missing its `a.org_id = v.org_id`)."""

    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        with self.db.owner() as conn:
            rows = conn.execute(
                "select distinct email_number from abandonment_emails where status <> 'failed'"
            ).fetchall()
        anyone = frozenset(row["email_number"] for row in rows)
        return [dataclasses.replace(c, taken=c.taken | anyone) for c in found]


class SentEmailsForgotten(CandidatesReadOtherwise):
    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        return [dataclasses.replace(c, taken=frozenset()) for c in found]

    def claim(self, run_id: int, claims: list[Claim]) -> set[tuple[uuid.UUID, int]]:
        with self.db.owner() as conn:  # every record is taken over, sent ones too
            for c in claims:
                conn.execute(
                    "insert into abandonment_emails"
                    " (org_id, email_number, status, payment_viewed_at, run_id)"
                    " values (%s, %s, 'sending', %s, %s) on conflict (org_id, email_number)"
                    " do update set status = 'sending', run_id = excluded.run_id",
                    (c.org_id, c.email_number, c.viewed_at, run_id),
                )
        return {(c.org_id, c.email_number) for c in claims}


class ConfirmedTopUpNotPaid(CandidatesReadOtherwise):
    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        with self.db.owner() as conn:  # "paid" read from the browser's telemetry alone
            rows = conn.execute(
                "select distinct org_id from onboarding_events"
                " where event_name = 'payment_succeeded' and org_id = any(%s)",
                ([c.org_id for c in found],),
            ).fetchall()
        told = {row["org_id"] for row in rows}
        return [dataclasses.replace(c, paid=c.org_id in told) for c in found]


class PerMerchantQueries(CandidatesReadOtherwise):
    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        with self.db.owner() as conn:  # the N+1 mistake: each owner's address looked up alone
            for candidate in found:
                conn.execute("select email from users where org_id = %s", (candidate.org_id,))
        return found


class BatchWideViewTime(CandidatesReadOtherwise):
    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        earliest = min((c.viewed_at for c in found), default=None)
        return [dataclasses.replace(c, viewed_at=earliest) for c in found]


class FirstViewDecides(CandidatesReadOtherwise):
    def _otherwise(self, found: list[Candidate]) -> list[Candidate]:
        with self.db.owner() as conn:
            rows = conn.execute(
                "select org_id, min(created_at) as first_view from onboarding_events"
                " where event_name = 'payment_viewed' and org_id = any(%s) group by org_id",
                ([c.org_id for c in found],),
            ).fetchall()
        first = {row["org_id"]: row["first_view"] for row in rows}
        return [dataclasses.replace(c, viewed_at=first[c.org_id]) for c in found]


class LastChanceBonusShort(Abandonment):
    def _finish(self, deliveries: list[Delivery]) -> None:
        self.store.finish(deliveries, BONUS_PENCE // 10)


class SkipsNotCounted(Abandonment):
    def _work(
        self, run_id: int, now: datetime, batch: list[Candidate], errors: list[str]
    ) -> RunCounts:
        return dataclasses.replace(super()._work(run_id, now, batch, errors), skipped=0)


class AnyBearerIsAnOperator(Operators):
    def authenticate(self, token: str | None) -> None:
        if not token:
            super().authenticate(token)


DEFECTS: dict[str, Defect] = {
    "first_email_needs_more_than_an_hour": Defect(
        "The gentle nudge waits for more than an hour, so exactly one hour sends nothing.",
        "abandonment",
        FirstEmailNeedsMoreThanAnHour,
    ),
    "reminder_at_23_hours": Defect(
        "The reminder (email 2) is sent 23 hours after the payment view instead of 24.",
        "abandonment",
        ReminderAt23Hours,
    ),
    "earlier_emails_backfilled": Defect(
        "A merchant first seen late is sent every earlier email too, not only the latest due.",
        "abandonment",
        EarlierEmailsBackfilled,
    ),
    "completed_merchants_nudged": Defect(
        "Merchants who completed onboarding are still nudged.",
        "abandonment",
        CompletedMerchantsNudged,
    ),
    "paid_merchants_nudged": Defect(
        "Merchants who paid are still nudged.",
        "abandonment",
        PaidMerchantsNudged,
    ),
    "confirmed_top_up_not_paid": Defect(
        "A merchant whose top-up the payment provider confirmed counts as paid only when its "
        "checkout also said so, so a lost checkout event gets it nudged and a bonus.",
        "abandonment.store",
        ConfirmedTopUpNotPaid,
    ),
    "one_failure_stops_the_batch": Defect(
        "One refused email fails the whole batch, so the other merchants' emails count as "
        "failed and go out again.",
        "abandonment",
        OneFailureStopsTheBatch,
    ),
    "timeout_resent": Defect(
        "An email the provider took but never answered for is treated as not sent, so the next "
        "run sends it again (it may go out twice).",
        "abandonment",
        TimeoutResent,
    ),
    "emails_sent_one_by_one": Defect(
        "Each merchant's email is a call of its own to the email provider, not one per batch.",
        "abandonment",
        EmailsSentOneByOne,
    ),
    "bonus_credited_before_email_record": Defect(
        "The bonus is credited before the email's unique record is written, so a refused "
        "last-chance email still credits it.",
        "abandonment",
        BonusCreditedBeforeEmailRecord,
    ),
    "racing_runs_send_twice": Defect(
        "Two runs at the same moment both send the email: a run ignores that its claim lost.",
        "abandonment",
        RacingRunsSendTwice,
    ),
    "bonus_when_last_chance_failed": Defect(
        "The bonus is credited when the last-chance email was refused.",
        "abandonment.store",
        BonusWhenLastChanceFailed,
    ),
    "emails_taken_across_merchants": Defect(
        "An email sent to one merchant counts as sent to every merchant, so the others are "
        "never sent it.",
        "abandonment.store",
        EmailsTakenAcrossMerchants,
    ),
    "sent_emails_forgotten": Defect(
        "The unique guard is missing: a later run sends an email that was already sent.",
        "abandonment.store",
        SentEmailsForgotten,
    ),
    "per_merchant_queries": Defect(
        "Each merchant of a batch costs a query of its own (its owner's address looked up "
        "alone), so a run's queries grow with merchants, not batches.",
        "abandonment.store",
        PerMerchantQueries,
    ),
    "batch_wide_view_time": Defect(
        "The earliest payment view in a batch decides for every merchant in it.",
        "abandonment.store",
        BatchWideViewTime,
    ),
    "first_view_decides": Defect(
        "The merchant's first payment view decides instead of the latest.",
        "abandonment.store",
        FirstViewDecides,
    ),
    "any_bearer_is_an_operator": Defect(
        "Any bearer token, a merchant's too, may run the operators' jobs (the nudge job and "
        "the webhook delivery worker).",
        "operators",
        AnyBearerIsAnOperator,
    ),
    "last_chance_bonus_short": Defect(
        "The last-chance email comes with 100 bonus credits instead of 1000.",
        "abandonment",
        LastChanceBonusShort,
    ),
    "skips_not_counted": Defect(
        "A run does not count the merchants it skipped in its report.",
        "abandonment",
        SkipsNotCounted,
    ),
}
