"""The webhook delivery worker's schedule: a thread of the service's own that runs the worker every
`WEBHOOK_WORKER_INTERVAL_SECONDS` (30 by default; 0 switches it off).

The suite's deployment switches the schedule off (its scenarios run the worker with their own
"now"), so these tests are what proves it, and `make mutation` runs them before the webhooks
module's scenarios. The worker here is a small stand-in with the domain's `deliver_due(now)`,
run every 0.05 seconds; every wait is on an event with a generous timeout, never a bare sleep,
so that a loaded machine only makes them slower.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest

from service.domain.webhooks import DeliverySchedule, RunResult

INTERVAL = 0.05
PATIENCE = 10.0  # seconds to wait for what should take a fraction of one
THREAD_NAME = "webhook-deliveries"
LOGGER = "service.domain.webhooks"


class Worker:
    """Stands in for the delivery worker: records each run's clock and answers `results` in turn
    (an exception in there is raised), then runs that processed nothing."""

    def __init__(self, *results: RunResult | Exception) -> None:
        self.results = list(results)
        self.runs: list[tuple[float, datetime]] = []
        self._ran = threading.Condition()

    def deliver_due(self, now: datetime) -> RunResult:
        with self._ran:
            self.runs.append((time.monotonic(), now))
            self._ran.notify_all()
        result = self.results.pop(0) if self.results else RunResult()
        if isinstance(result, Exception):
            raise result
        return result

    def wait_for_runs(self, count: int) -> None:
        with self._ran:
            assert self._ran.wait_for(lambda: len(self.runs) >= count, timeout=PATIENCE), (
                f"the schedule ran the worker {len(self.runs)} times, not {count}"
            )


class BlockedWorker:
    """A run that lasts until it is let go."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.let_go = threading.Event()
        self.finished = threading.Event()

    def deliver_due(self, now: datetime) -> RunResult:
        self.started.set()
        self.let_go.wait(timeout=PATIENCE)
        self.finished.set()
        return RunResult()


def schedule_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]


@contextmanager
def started(worker: Any, interval: float = INTERVAL) -> Iterator[DeliverySchedule]:
    """The schedule of `worker`, started; stopped at the end, its thread gone."""
    schedule = DeliverySchedule(worker, interval)
    schedule.start()
    try:
        yield schedule
    finally:
        schedule.stop()
    assert schedule._thread is None or not schedule._thread.is_alive()


def test_the_schedule_runs_the_worker_every_interval_with_the_clocks_time() -> None:
    worker = Worker()
    began = time.monotonic()
    with started(worker) as schedule:
        worker.wait_for_runs(4)
        assert schedule._thread is not None and schedule._thread.daemon  # never holds an exit
    times = [began] + [at for at, _ in worker.runs]
    # Not before the first interval, and never two runs closer than one (a little under, for
    # the clock's rounding); a loaded machine can only make the gaps longer.
    assert all(later - earlier >= INTERVAL * 0.9 for earlier, later in pairwise(times))
    for _, now in worker.runs:
        assert now.tzinfo is UTC
        assert abs((datetime.now(UTC) - now).total_seconds()) < PATIENCE


@pytest.mark.parametrize("interval", [0, 0.0, -1.0], ids=["zero", "zero float", "negative"])
def test_an_interval_of_zero_or_less_never_starts_the_schedule(interval: float) -> None:
    worker = Worker()
    with started(worker, interval) as schedule:
        assert schedule._thread is None
        assert schedule_threads() == []
    assert worker.runs == []


def test_starting_twice_starts_one_thread() -> None:
    worker = Worker()
    with started(worker) as schedule:
        first = schedule._thread
        schedule.start()
        assert schedule._thread is first
        assert schedule_threads() == [first]
    assert schedule_threads() == []


def test_a_failed_run_is_logged_and_the_schedule_goes_on_to_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = Worker(ConnectionError("the database went away"))
    with caplog.at_level(logging.INFO, logger=LOGGER), started(worker) as schedule:
        worker.wait_for_runs(3)  # the failed first run's log is written before the second run
        assert schedule._thread is not None and schedule._thread.is_alive()
    (failed,) = [record for record in caplog.records if record.name == LOGGER]
    assert failed.getMessage() == "The webhook delivery run failed"
    assert failed.levelno == logging.ERROR
    assert failed.exc_info is not None and isinstance(failed.exc_info[1], ConnectionError)


def test_a_run_that_delivered_something_is_logged_and_one_with_nothing_due_is_not(
    caplog: pytest.LogCaptureFixture,
) -> None:
    did = RunResult(processed=3, delivered=1, retrying=1, failed=1)
    worker = Worker(RunResult(), did, RunResult())
    with caplog.at_level(logging.DEBUG, logger=LOGGER), started(worker):
        worker.wait_for_runs(4)  # each run's line is written before the next run starts
    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == LOGGER] == [
        (logging.INFO, f"Webhook deliveries: {did}")
    ]


def test_runs_with_nothing_due_log_nothing(caplog: pytest.LogCaptureFixture) -> None:
    worker = Worker()
    with caplog.at_level(logging.DEBUG, logger=LOGGER), started(worker):
        worker.wait_for_runs(3)
    assert [r for r in caplog.records if r.name == LOGGER] == []


def test_stopping_between_runs_ends_the_thread_at_once() -> None:
    worker = Worker()
    with started(worker, interval=60) as schedule:  # the first run is a minute away
        thread = schedule._thread
        assert thread is not None and thread.is_alive()
        began = time.monotonic()
        schedule.stop()
        assert time.monotonic() - began < PATIENCE / 2  # not the minute to the next run
        assert not thread.is_alive()
    assert worker.runs == []


def test_stopping_without_starting_is_fine() -> None:
    schedule = DeliverySchedule(Worker(), INTERVAL)  # type: ignore[arg-type]
    schedule.stop()
    schedule.stop()
    assert schedule._thread is None


def test_stopping_waits_up_to_15_seconds_for_a_run_in_progress() -> None:
    """A shutdown lets a run in progress finish (its deliveries are recorded), but not for more
    than 15 seconds; after that the thread, a daemon, ends with the process."""
    worker = BlockedWorker()
    try:
        with started(worker) as schedule:
            assert worker.started.wait(timeout=PATIENCE), "the schedule never ran the worker"
            thread = schedule._thread
            assert thread is not None and thread.daemon
            real_join = thread.join
            timeouts: list[float | None] = []

            def join(timeout: float | None = None) -> None:
                timeouts.append(timeout)
                real_join(timeout)

            thread.join = join  # type: ignore[method-assign]
            threading.Timer(0.2, worker.let_go.set).start()
            schedule.stop()
            assert worker.finished.is_set(), "stop returned while the run was still going"
            assert not thread.is_alive()
            assert timeouts == [15]
    finally:
        worker.let_go.set()
