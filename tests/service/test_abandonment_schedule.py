"""The nudge job's schedule: every 15 minutes in a deployment, switched off by a setting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.core.settings import ConfigurationError, Settings
from service.domain.abandonment import AbandonmentSchedule

ENV = {"DATABASE_URL": "postgresql://x@127.0.0.1/x", "REDIS_URL": "redis://127.0.0.1/0"}
SECRET = {"JWT_SECRET": "s" * 32}


class CountingJob:
    def __init__(self) -> None:
        self.runs: list[datetime] = []

    def run(self, now: datetime) -> None:
        self.runs.append(now)


def test_a_deployment_schedules_the_job_unless_told_not_to() -> None:
    assert Settings.from_env({**ENV, **SECRET}).abandonment_schedule is True
    off = Settings.from_env({**ENV, **SECRET, "ABANDONMENT_SCHEDULE": "off"})
    assert off.abandonment_schedule is False
    with pytest.raises(ConfigurationError, match="ABANDONMENT_SCHEDULE"):
        Settings.from_env({**ENV, **SECRET, "ABANDONMENT_SCHEDULE": "sometimes"})


def test_the_schedule_runs_the_job_every_15_minutes_with_the_clocks_time() -> None:
    job = CountingJob()
    schedule = AbandonmentSchedule(job)  # type: ignore[arg-type]
    schedule.start()
    try:
        (scheduled,) = schedule._scheduler.get_jobs()
        assert scheduled.trigger.interval.total_seconds() == 15 * 60
        assert scheduled.max_instances == 1 and scheduled.coalesce
        scheduled.func()  # what the scheduler calls every 15 minutes
    finally:
        schedule.stop()
    assert not schedule.running
    assert len(job.runs) == 1 and job.runs[0].tzinfo is UTC


def test_operator_tokens_and_batches_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="OPERATOR_TOKEN"):
        Settings.from_env({**ENV, **SECRET, "OPERATOR_TOKEN": "short"})
    with pytest.raises(ConfigurationError, match="ABANDONMENT_BATCH_SIZE"):
        Settings.from_env({**ENV, **SECRET, "ABANDONMENT_BATCH_SIZE": "501"})
