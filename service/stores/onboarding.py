"""SQL for onboarding: telemetry events and the organisation's completion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from service.core.db import Database


@dataclass(frozen=True)
class CompletionRecord:
    completed_at: datetime
    business_name: str | None
    category: str | None


class OnboardingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

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
                " returning onboarding_completed_at, business_name, category",
                (business_name, category, org_id),
            ).fetchone()
        if row is None:
            return None
        return CompletionRecord(
            row["onboarding_completed_at"], row["business_name"], row["category"]
        )
