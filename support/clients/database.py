"""The suite's own connection to the target's database: reads for checkers, changes for set-up."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg.rows import dict_row

from support.report.evidence import attach_rows, attach_text
from support.report.shown import ShownAs


class Database(ShownAs):
    shown_as = "the target's database"

    """One autocommit connection per test process; every read is attached to the report."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._connection: psycopg.Connection | None = None

    @property
    def connection(self) -> psycopg.Connection:
        if self._connection is None or self._connection.closed:
            self._connection = psycopg.connect(
                self._url, autocommit=True, row_factory=dict_row, connect_timeout=5
            )
        return self._connection

    def signs_in(self, user: str, password: str) -> bool:
        """Whether this user and password open a connection to the same database."""
        try:
            with psycopg.connect(self._url, user=user, password=password, connect_timeout=5):
                return True
        except psycopg.OperationalError:
            return False

    def read(self, title: str, query: str, params: Any = None) -> list[dict[str, Any]]:
        rows = self.connection.execute(query, params).fetchall()
        attach_rows(title, query, params, rows)
        return rows

    def read_quietly(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        """For bookkeeping outside a scenario step (cleanup, run summaries): nothing attached."""
        return self.connection.execute(query, params).fetchall()

    def change(self, title: str, statements: str, params: Any = None) -> None:
        """Set-up the suite makes in the database (a fault, a clean-up), attached as evidence."""
        self.connection.execute(statements, params)
        attach_text(f"Database change: {title}", " ".join(statements.split()))

    def change_quietly(self, statements: str, params: Any = None) -> None:
        self.connection.execute(statements, params)

    def remove_quietly(self, statements: str, params: Any = None, attempts: int = 3) -> None:
        """A clean-up's delete, tried again when PostgreSQL ends it to break a deadlock (as its
        manual advises): deleting a merchant cascades through a dozen tables, and a soak once
        met the service still finishing that merchant's last request as the scenario ended."""
        for attempt in range(1, attempts + 1):
            try:
                self.connection.execute(statements, params)
                return
            except psycopg.errors.DeadlockDetected:
                if attempt == attempts:
                    raise
                time.sleep(0.05 * attempt)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
