"""SQL for onboarding: telemetry events and the organisation's completion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from service.core.db import Database
from service.stores.webhooks import ONBOARDING_COMPLETED, WebhookStore


@dataclass(frozen=True)
class CompletionRecord:
    completed_at: datetime
    business_name: str | None
    category: str | None


class OnboardingStore:
    def __init__(self, db: Database, outbox: WebhookStore) -> None:
        self.db = db
        self.outbox = outbox  # merchants' webhooks, emitted in the transaction that completes

    def record_event(self, org_id: uuid.UUID, event_name: str, step_index: int) -> None:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "insert into onboarding_events (org_id, event_name, step_index)"
                " values (%s, %s, %s)",
                (org_id, event_name, step_index),
            )

    def completion_state(self, org_id: uuid.UUID) -> tuple[bool, datetime | None]:
        """(whether the organisation was found, when it completed onboarding if it did)."""
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "select onboarding_completed_at from organisations where id = %s", (org_id,)
            ).fetchone()
        return (row is not None, row["onboarding_completed_at"] if row else None)

    def complete(
        self, org_id: uuid.UUID, business_name: str | None, category: str | None
    ) -> CompletionRecord | None:
        """Marks completion (the first time is kept) and stores the names that are given."""
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                "update organisations set"
                " onboarding_completed_at = coalesce(onboarding_completed_at, now()),"
                " business_name = coalesce(%s, business_name),"
                " category = coalesce(%s, category)"
                " where id = %s"
                " returning onboarding_completed_at, business_name, category,"
                # now() is this transaction's start: equal only if completed just now.
                " onboarding_completed_at = now() as just_completed",
                (business_name, category, org_id),
            ).fetchone()
            if row is not None and self._just_completed(row):
                self.outbox.record_event(
                    conn,
                    org_id,
                    ONBOARDING_COMPLETED,
                    {
                        "completed_at": row["onboarding_completed_at"].isoformat(),
                        "business_name": row["business_name"],
                        "category": row["category"],
                    },
                )
        if row is None:
            return None
        return CompletionRecord(
            row["onboarding_completed_at"], row["business_name"], row["category"]
        )

    def _just_completed(self, row: dict) -> bool:
        """Whether this call completed onboarding (not a repeat): only then is it an event."""
        return row["just_completed"]
