"""SQL for idempotency keys: claiming a key, reading its first answer, and keeping that answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from service.core.db import Database


@dataclass(frozen=True)
class KeptRequest:
    """What the platform holds for a key: the request's fingerprint and, once given, its answer."""

    fingerprint: str
    status_code: int | None
    body: dict[str, Any] | None


class IdempotencyStore:
    def __init__(self, db: Database, keep_seconds: int) -> None:
        self.db = db
        self.keep_seconds = keep_seconds

    def claim(self, org_id: uuid.UUID, key: str, fingerprint: str) -> KeptRequest | None:
        """Claims the key for this request: None when it is ours, else what the key already holds.

        A key older than the keeping time is forgotten first, so it can be used again.
        """
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "delete from idempotent_requests where org_id = %s and key = %s"
                " and created_at < now() - make_interval(secs => %s)",
                (org_id, key, self.keep_seconds),
            )
            claimed = conn.execute(
                "insert into idempotent_requests (org_id, key, fingerprint) values (%s, %s, %s)"
                " on conflict (org_id, key) do nothing returning key",
                (org_id, key, fingerprint),
            ).fetchone()
            if claimed:
                return None
            row = conn.execute(
                "select fingerprint, status_code, body from idempotent_requests"
                " where org_id = %s and key = %s",
                (org_id, key),
            ).fetchone()
        return KeptRequest(row["fingerprint"], row["status_code"], row["body"])

    def answer(self, org_id: uuid.UUID, key: str, status_code: int, body: dict[str, Any]) -> None:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "update idempotent_requests set status_code = %s, body = %s, answered_at = now()"
                " where org_id = %s and key = %s",
                (status_code, Jsonb(body), org_id, key),
            )

    def release(self, org_id: uuid.UUID, key: str) -> None:
        """Forgets a claimed key whose request did nothing, so that it can be used again."""
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "delete from idempotent_requests where org_id = %s and key = %s"
                " and status_code is null",
                (org_id, key),
            )
