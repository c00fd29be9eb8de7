"""SQL for checkout abandonment: candidates a batch at a time, email claims, bonuses, runs.

The job works across merchants a batch of hundreds at a time, while the service queries only
as its plain role, bound by row-level security. A tenant-scoped transaction per merchant would
be exactly the per-merchant round trip the job must not make, so each batch step is one call
of a narrow database function (migration 006) that runs as the schema owner, as login does.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.core.db import Database

BONUS_DESCRIPTION = "Bonus: last chance to finish setting up"


@dataclass(frozen=True)
class Candidate:
    org_id: uuid.UUID
    viewed_at: datetime  # the merchant's latest view of the payment step
    email: str | None  # the owner's address
    paid: bool
    completed: bool
    taken: frozenset[int]  # email numbers sent or being sent (not failed ones)


@dataclass(frozen=True)
class Claim:
    org_id: uuid.UUID
    email_number: int
    viewed_at: datetime


@dataclass(frozen=True)
class Delivery:
    """What became of one claimed email: the provider's message id, or why it was refused, or
    (`unknown`) that it was sent to the provider and no answer came, so it may have gone out."""

    org_id: uuid.UUID
    email_number: int
    message_id: str | None
    error: str | None
    unknown: bool = False


@dataclass(frozen=True)
class RunCounts:
    processed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0


class AbandonmentStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- runs (the platform's own records: no merchant's data, no row-level security) ------

    def start_run(self, now: datetime, scope: str) -> int:
        with self.db.anonymous() as conn:
            row = conn.execute(
                "insert into abandonment_runs (run_now, scope) values (%s, %s) returning id",
                (now, scope),
            ).fetchone()
        return row["id"]

    def end_run(self, run_id: int, counts: RunCounts, errors: list[str]) -> dict[str, Any]:
        with self.db.anonymous() as conn:
            return conn.execute(
                "update abandonment_runs set finished_at = clock_timestamp(), processed = %s,"
                " sent = %s, skipped = %s, failed = %s, errors = %s::jsonb where id = %s"
                f" returning {_RUN_COLUMNS}",
                (
                    counts.processed,
                    counts.sent,
                    counts.skipped,
                    counts.failed,
                    json.dumps(errors),
                    run_id,
                ),
            ).fetchone()

    def run(self, run_id: int) -> dict[str, Any] | None:
        with self.db.anonymous() as conn:
            return conn.execute(
                f"select {_RUN_COLUMNS} from abandonment_runs where id = %s", (run_id,)
            ).fetchone()

    # -- a batch: its candidates, its claims, its outcome ----------------------------------

    def candidates(
        self, after: uuid.UUID | None, scope: list[uuid.UUID] | None, limit: int
    ) -> list[Candidate]:
        """The next `limit` merchants (in organisation order) who viewed the payment step, with
        what decides their email: one query for the whole batch."""
        with self.db.anonymous() as conn:
            rows = conn.execute(
                "select org_id, viewed_at, email, paid, completed, taken"
                " from abandonment_candidates(%s, %s::uuid[], %s)",
                (after or uuid.UUID(int=0), scope, limit),
            ).fetchall()
        return [
            Candidate(
                row["org_id"],
                row["viewed_at"],
                row["email"],
                row["paid"],
                row["completed"],
                frozenset(row["taken"]),
            )
            for row in rows
        ]

    def claim(self, run_id: int, claims: list[Claim]) -> set[tuple[uuid.UUID, int]]:
        """Writes the batch's unique (merchant, email number) records, committed before
        anything is sent or credited; returns the ones this run holds."""
        if not claims:
            return set()
        with self.db.anonymous() as conn:
            rows = conn.execute(
                "select org_id, email_number from abandonment_claim("
                " %s, %s::uuid[], %s::smallint[], %s::timestamptz[])",
                (
                    run_id,
                    [c.org_id for c in claims],
                    [c.email_number for c in claims],
                    [c.viewed_at for c in claims],
                ),
            ).fetchall()
        return {(row["org_id"], row["email_number"]) for row in rows}

    def finish(self, deliveries: list[Delivery], bonus_pence: int) -> list[uuid.UUID]:
        """Marks the batch's emails sent, failed (claimed again by a later run) or unknown (never
        claimed again) and, in the same transaction, credits the bonus of every sent email 3 not
        credited yet. Returns the merchants credited now."""
        sent = [d for d in deliveries if d.error is None]
        failed = [d for d in deliveries if d.error is not None]
        with self.db.anonymous() as conn:
            rows = conn.execute(
                "select org_id from abandonment_finish(%s::uuid[], %s::smallint[], %s::text[],"
                " %s::uuid[], %s::smallint[], %s::text[], %s::text[], %s, %s)",
                (
                    [d.org_id for d in sent],
                    [d.email_number for d in sent],
                    [d.message_id for d in sent],
                    [d.org_id for d in failed],
                    [d.email_number for d in failed],
                    [d.error for d in failed],
                    ["unknown" if d.unknown else "failed" for d in failed],
                    bonus_pence,
                    BONUS_DESCRIPTION,
                ),
            ).fetchall()
        return [row["org_id"] for row in rows]


_RUN_COLUMNS = (
    "id, run_now, scope, started_at, finished_at, processed, sent, skipped, failed, errors"
)
