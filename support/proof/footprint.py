"""What a run leaves in the target's database and Redis: rows per table, the suite's fault
objects, and Redis keys (compared across runs by the residue test and `make soak`)."""

from __future__ import annotations

import psycopg
import redis


def footprint(database_url: str, redis_url: str) -> dict:
    """Rows in every table, the suite's fault objects, and every Redis key."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select tablename from pg_tables where schemaname = 'public' order by 1"
            )
        ]
        counts = {
            table: connection.execute(f'select count(*) from "{table}"').fetchone()[0]
            for table in tables
        }
        faults = connection.execute(
            "select count(*) from pg_proc where proname like 'suite\\_fault\\_%'"
        ).fetchone()[0]
    cache = redis.Redis.from_url(redis_url)
    keys = sorted(key.decode() for key in cache.scan_iter())
    cache.close()
    return {"rows": counts, "fault objects": faults, "redis keys": keys}


def residue(before: dict | None, after: dict) -> list[str]:
    """What `after` holds that `before` did not (with no `before`: any merchant or fault)."""
    if before is None:
        left = []
        if after["rows"].get("organisations"):
            left.append(f"{after['rows']['organisations']} merchants")
        if after["fault objects"]:
            left.append(f"{after['fault objects']} fault objects")
        return left
    left = [
        f"{table} {before['rows'].get(table, 0)} -> {count} rows"
        for table, count in after["rows"].items()
        if count != before["rows"].get(table, 0)
    ]
    if after["fault objects"] != before["fault objects"]:
        left.append(f"fault objects {before['fault objects']} -> {after['fault objects']}")
    new_keys = sorted(set(after["redis keys"]) - set(before["redis keys"]))
    if new_keys:
        left.append(f"{len(new_keys)} Redis keys ({', '.join(new_keys[:3])}...)")
    return left
