"""`make bench-abandonment`: the checkout abandonment job over 10 to 100,000 candidates.

Candidates are seeded directly in the database (organisations, owners and payment views placed
1, 24 and 48 hours back, so that the run sends all three emails), on an embedded PostgreSQL of
the benchmark's own. The job runs in this process against the email provider's `responses`
fake. Queries are counted by PostgreSQL itself: statement logging is switched on for this
server and the statements the service's connections logged during the run are counted.
"""

from __future__ import annotations

import argparse
import math
import re
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from service.core.settings import Settings
from service.defects import apply_defects
from service.platform import Platform, build_platform
from support.providers.email import EmailProviderFake
from support.providers.fakes import ProviderFakes
from support.target.credentials import ProviderCredentials
from support.target.embedded import EmbeddedServers, start_embedded

SIZES = (10, 1_000, 10_000, 100_000)
TARGET_SECONDS = {10_000: 2.0, 100_000: 20.0}
SERVICE_APPLICATION = "merchant-platform"  # the application name of the service's connections
# PostgreSQL's log line for every statement the server ran (simple and extended protocol).
# A statement the service sent, not the pool's empty liveness check (the service skips it for a
# connection used in the last half second, so how many there are depends on timing).
_STATEMENT = re.compile(rf"^{SERVICE_APPLICATION}\|.*LOG:\s+(?:statement|execute [^:]*):\s*\S")


@dataclass(frozen=True)
class Measured:
    candidates: int
    seconds: float
    queries: int
    provider_calls: int
    batches: int
    sent: int


class Bench:
    """An embedded PostgreSQL logging every statement, and the service's components on it."""

    def __init__(self, servers: EmbeddedServers, platform: Platform, log: Path) -> None:
        self.servers = servers
        self.platform = platform
        self.log = log
        self.fakes = ProviderFakes()
        self.credentials = ProviderCredentials.new()

    @classmethod
    def start(cls, batch_size: int = 500, defects: tuple[str, ...] = ()) -> Bench:
        """`defects`: catalogued defects switched on in its components (`make defects` proves
        the query-count test catches `per_merchant_queries` this way)."""
        servers = start_embedded()
        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            conn.execute("alter system set log_statement = 'all'")
            conn.execute("alter system set log_line_prefix = '%a|%m [%p] '")
            # The statements are counted, not read: their parameters would only slow the log.
            conn.execute("alter system set log_parameter_max_length = 0")
            conn.execute("select pg_reload_conf()")
        credentials = ProviderCredentials.new()
        settings = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            jwt_secret=secrets.token_urlsafe(48),
            abandonment_schedule=False,
            abandonment_batch_size=batch_size,
            **credentials.as_settings(),
        )
        from service.app import prepare_database

        prepare_database(settings)
        platform = build_platform(settings)
        apply_defects(platform, defects)
        platform.db.open()
        bench = cls(servers, platform, servers.database_log)
        bench.credentials = credentials
        return bench

    def stop(self) -> None:
        self.platform.close()
        self.servers.stop()

    def seed(self, count: int) -> datetime:
        """`count` merchants who viewed the payment step 1, 24 or 48 hours before the returned
        moment (a third each), none paid or finished. Written straight into the tables."""
        with psycopg.connect(self.servers.database_url, autocommit=True) as conn:
            conn.execute("truncate organisations, abandonment_runs cascade")
            now = conn.execute("select now() as now").fetchone()[0]
            conn.execute(
                "with orgs as ("
                " insert into organisations (name)"
                " select 'Bench merchant ' || i from generate_series(1, %s) as i"
                " returning id)"
                " , owners as ("
                " insert into users (org_id, email, password_hash, role)"
                " select id, 'owner-' || id || '@bench.example', 'not-a-hash', 'owner' from orgs"
                " returning org_id)"
                " insert into onboarding_events (org_id, event_name, step_index, created_at)"
                " select org_id, 'payment_viewed', 3,"
                " %s - (array[interval '1 hour', interval '24 hours', interval '48 hours'])"
                "[1 + (abs(hashtext(org_id::text)) %% 3)]"
                " from owners",
                (count, now),
            )
            conn.execute("analyze")
        return now

    def measure(self, count: int) -> Measured:
        now = self.seed(count)
        email = EmailProviderFake(self.fakes, self.credentials)
        self.fakes.start()
        try:
            email.accepts()
            before_log = self.log.stat().st_size
            started = time.perf_counter()
            run = self.platform.abandonment.run(now)
            seconds = time.perf_counter() - started
            time.sleep(0.2)  # the server's log writer catches up
            queries = self._statements_since(before_log)
            calls = len(email.batches)
        finally:
            self.fakes.stop()
        batches = math.ceil(count / self.platform.abandonment.batch_size)
        return Measured(count, seconds, queries, calls, batches, run["sent"])

    def _statements_since(self, offset: int) -> int:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode("utf-8", "replace").splitlines()
        return sum(1 for line in lines if _STATEMENT.match(line))


def table(rows: list[Measured], fixed: int) -> str:
    lines = [
        "| candidates | wall time | queries | queries per batch | provider calls | batches "
        "| emails sent |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        per_batch = (r.queries - fixed) / r.batches if r.batches else 0
        target = TARGET_SECONDS.get(r.candidates)
        verdict = "" if target is None else (" ✓" if r.seconds < target else f" ✗ (>{target:g} s)")
        lines.append(
            f"| {r.candidates:,} | {r.seconds:.2f} s{verdict} | {r.queries:,} | {per_batch:g} "
            f"| {r.provider_calls:,} | {r.batches:,} | {r.sent:,} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        help="skip the sizes after one whose run took longer than this (a busy machine)",
    )
    args = parser.parse_args(argv)
    bench = Bench.start()
    try:
        fixed = bench.measure(0).queries  # a run with nobody to nudge: its fixed queries
        print(f"A run with no candidates makes {fixed} queries (its fixed part).", flush=True)
        rows = []
        for size in args.sizes:
            measured = bench.measure(size)
            rows.append(measured)
            print(f"  {size:,} candidates: {measured.seconds:.2f} s", flush=True)
            if measured.seconds > args.max_seconds:
                print(f"  stopping: {size:,} took more than {args.max_seconds:g} s", flush=True)
                break
    finally:
        bench.stop()
    print()
    print(table(rows, fixed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
