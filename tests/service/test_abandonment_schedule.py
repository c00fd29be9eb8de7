"""The nudge job's schedule: every 15 minutes in a deployment, switched off by a setting."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from apscheduler.job import Job

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


@contextmanager
def started(job: Any) -> Iterator[tuple[AbandonmentSchedule, Job]]:
    """The schedule of `job`, started, with the one job it added; stopped at the end."""
    schedule = AbandonmentSchedule(job)
    schedule.start()
    try:
        (scheduled,) = schedule._scheduler.get_jobs()
        yield schedule, scheduled
    finally:
        schedule.stop()


def test_the_schedule_runs_the_job_every_15_minutes_with_the_clocks_time() -> None:
    job = CountingJob()
    with started(job) as (schedule, scheduled):
        assert scheduled.trigger.interval.total_seconds() == 15 * 60
        assert scheduled.max_instances == 1 and scheduled.coalesce
        scheduled.func()  # what the scheduler calls every 15 minutes
    assert not schedule.running
    assert len(job.runs) == 1 and job.runs[0].tzinfo is UTC


class BlockedJob:
    """A run that lasts until it is let go."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.let_go = threading.Event()

    def run(self, now: datetime) -> None:
        self.started.set()
        self.let_go.wait(timeout=10)


class FailingJob:
    def run(self, now: datetime) -> None:
        raise ConnectionError("the database went away")


def test_stopping_the_service_does_not_wait_for_a_run_in_progress() -> None:
    job = BlockedJob()
    try:
        with started(job) as (schedule, scheduled):
            scheduled.modify(next_run_time=datetime.now(UTC))  # due now, in its own thread
            assert job.started.wait(timeout=10), "the scheduler never ran the job"
            began = time.monotonic()
            schedule.stop()
            assert time.monotonic() - began < 5  # a blocked run would hold it for 10 seconds
            assert not schedule.running
    finally:
        job.let_go.set()


def test_a_failed_scheduled_run_is_logged_and_the_schedule_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with started(FailingJob()) as (schedule, scheduled):
        with caplog.at_level(logging.WARNING, logger="service.domain.abandonment"):
            scheduled.func()  # not raised: the next run, 15 minutes on, tries again
        assert schedule.running
    assert [r.getMessage() for r in caplog.records if r.name == "service.domain.abandonment"] == [
        "A scheduled checkout abandonment run failed; the next one will retry"
    ]


def test_operator_tokens_and_batches_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="OPERATOR_TOKEN"):
        Settings.from_env({**ENV, **SECRET, "OPERATOR_TOKEN": "short"})
    with pytest.raises(ConfigurationError, match="ABANDONMENT_BATCH_SIZE"):
        Settings.from_env({**ENV, **SECRET, "ABANDONMENT_BATCH_SIZE": "501"})
