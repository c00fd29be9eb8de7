"""Defects of the health report: a part that is down reported as up."""

from __future__ import annotations

from concurrent.futures import Future

from service.defects.base import Defect
from service.domain.health import HealthProbe


class RedisOutageHidden(HealthProbe):
    def _up(self, part: str, future: Future[object], deadline: float) -> bool:
        return part == "redis" or super()._up(part, future, deadline)


class DatabaseOutageHidden(HealthProbe):
    def _up(self, part: str, future: Future[object], deadline: float) -> bool:
        return part == "database" or super()._up(part, future, deadline)


DEFECTS: dict[str, Defect] = {
    "redis_outage_hidden": Defect(
        "Health reports Redis as up without asking it.", "health", RedisOutageHidden
    ),
    "database_outage_hidden": Defect(
        "Health reports the database as up without asking it.", "health", DatabaseOutageHidden
    ),
}
