"""Defects of the health report: a part that is down reported as up, a part named wrongly."""

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


class HealthReportsBooleans(HealthProbe):
    """Each part reported as true or false instead of the documented "up" or "down"."""

    def _word(self, up: bool) -> str:
        return up  # type: ignore[return-value]


DEFECTS: dict[str, Defect] = {
    "redis_outage_hidden": Defect(
        "Health reports Redis as up without asking it.", "health", RedisOutageHidden
    ),
    "database_outage_hidden": Defect(
        "Health reports the database as up without asking it.", "health", DatabaseOutageHidden
    ),
    "health_reports_booleans": Defect(
        'The health report says true or false for each part instead of "up" or "down", so '
        "an operator's dashboard reading the word sees neither.",
        "health",
        HealthReportsBooleans,
    ),
}
