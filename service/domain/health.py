"""Whether the database and Redis answer, within a bounded time."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import redis

from service.core.db import Database

log = logging.getLogger("service.domain.health")


@dataclass(frozen=True)
class HealthReport:
    database: bool
    redis: bool

    @property
    def ok(self) -> bool:
        return self.database and self.redis


class HealthProbe:
    def __init__(self, db: Database, cache: redis.Redis, timeout: float = 2.5) -> None:
        self._db = db
        self._cache = cache
        self._timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="health")

    def check(self) -> HealthReport:
        deadline = time.monotonic() + self._timeout
        database = self._executor.submit(self._db.ping, self._timeout - 0.5)
        cache = self._executor.submit(self._ask_cache)
        return HealthReport(
            self._up("database", database, deadline), self._up("redis", cache, deadline)
        )

    def answer(self) -> tuple[int, dict[str, str]]:
        """The health answer: 200 when every part is up, 503 otherwise, each part named."""
        report = self.check()
        body = {
            "status": "ok" if report.ok else "degraded",
            "database": self._word(report.database),
            "redis": self._word(report.redis),
        }
        return (200 if report.ok else 503), body

    def _word(self, up: bool) -> str:
        return "up" if up else "down"

    def _ask_cache(self) -> object:
        return self._cache.ping()

    def _up(self, part: str, future: Future[object], deadline: float) -> bool:
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
            return True
        except FutureTimeout:
            log.warning("Health check: %s did not answer in time", part)
        except Exception as exc:
            log.warning("Health check: %s is down (%s)", part, exc)
        return False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
