"""The suite's own connection to the target's Redis: reads for checkers, attached to the report."""

from __future__ import annotations

import redis

from support.report.evidence import attach_json
from support.report.shown import ShownAs


class Cache(ShownAs):
    shown_as = "the target's Redis"

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=5, decode_responses=True)

    def read(self, title: str, key: str) -> dict:
        """The key's value and remaining life, attached as evidence."""
        found = {"key": key, "value": self._redis.get(key), "ttl_seconds": self._redis.ttl(key)}
        attach_json(f"Redis: {title}", found)
        return found

    def read_matching(self, title: str, pattern: str) -> list[dict]:
        """Every key matching the pattern, with its value and remaining life in milliseconds,
        attached as evidence."""
        found = [
            {"key": key, "value": self._redis.get(key), "ttl_ms": self._redis.pttl(key)}
            for key in sorted(self._redis.scan_iter(match=pattern, count=1000))
        ]
        attach_json(f"Redis: {title}", found)
        return [entry for entry in found if entry["value"] is not None]

    def forget_matching(self, pattern: str) -> None:
        """Removes every key matching the pattern (a scenario's own keys, when it ends)."""
        keys = list(self._redis.scan_iter(match=pattern, count=1000))
        if keys:
            self._redis.delete(*keys)

    def forget_quietly(self, *keys: str) -> None:
        if keys:
            self._redis.delete(*keys)

    def forget_matching_quietly(self, *patterns: str) -> None:
        for pattern in patterns:
            keys = list(self._redis.scan_iter(match=pattern))
            if keys:
                self._redis.delete(*keys)

    def close(self) -> None:
        self._redis.close()
