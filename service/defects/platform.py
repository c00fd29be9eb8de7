"""Defects of the platform itself: its health report."""

from __future__ import annotations

from service.defects.base import Defect
from service.domain.health import HealthProbe


class HealthAssumesCacheUp(HealthProbe):
    def _ask_cache(self) -> object:
        return True


DEFECTS: dict[str, Defect] = {
    "health_assumes_cache_up": Defect(
        "The health report says the cache is up without asking it.",
        "health",
        HealthAssumesCacheUp,
    ),
}
