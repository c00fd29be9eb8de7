"""`make bench`, inside a serial run: where a scenario's time goes (and `make durations`).

Loaded with `-p support.proof.bench_plugin --bench-out=FILE` by support/proof/bench.py. It
measures, in seconds: the time spent waiting for the service's answers (every request the
suite's HTTP client sends), the start and the stop of this process's target (embedded servers
and the in-process service), the time inside tests (setup, call and teardown), and the session.
Measuring only: it changes nothing the scenarios do. With --own-durations (`make durations`)
it also leaves the target's one-off start and stop out of the reported duration of the test
that happened to pay for them, so that pytest-split balances shards by each scenario's own time
(every shard pays the start once anyway).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TIMES = pytest.StashKey[dict[str, float]]()
STOPPING = pytest.StashKey[list[float]]()
# Every test phase's duration (pytest_runtest_logreport is given no config to stash them in).
_PHASES: list[float] = []
# Start and stop time not yet taken out of a test phase's duration (--own-durations).
_ONE_OFF = [0.0]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bench")
    group.addoption("--bench-out", help="write the run's time split here")
    group.addoption(
        "--own-durations",
        action="store_true",
        help="report test durations without the target's one-off start and stop",
    )


def pytest_configure(config: pytest.Config) -> None:
    times = {"service": 0.0, "start": 0.0, "stop": 0.0, "tests": 0.0, "session": 0.0}
    config.stash[TIMES] = times
    send = httpx.Client.send

    in_flight = {"count": 0, "since": 0.0}
    lock = threading.Lock()

    def timed_send(client: httpx.Client, *args, **kwargs) -> httpx.Response:
        # Wall time with at least one request in flight: the race scenarios send several at
        # once from threads, and adding up each one's wait gave more waiting than run time.
        with lock:
            if in_flight["count"] == 0:
                in_flight["since"] = time.perf_counter()
            in_flight["count"] += 1
        try:
            return send(client, *args, **kwargs)
        finally:
            with lock:
                in_flight["count"] -= 1
                if in_flight["count"] == 0:
                    times["service"] += time.perf_counter() - in_flight["since"]

    httpx.Client.send = timed_send
    config.add_cleanup(lambda: setattr(httpx.Client, "send", send))


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[TIMES]["session"] = -time.perf_counter()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    if fixturedef.argname != "live_target":
        return (yield)
    times = request.config.stash[TIMES]
    started = time.perf_counter()
    result = yield
    times["start"] += time.perf_counter() - started
    _ONE_OFF[0] += time.perf_counter() - started
    stopping: list[float] = []
    # Finalizers run last-in first-out: this one runs just before the target stops, and
    # pytest_fixture_post_finalizer just after.
    fixturedef.addfinalizer(lambda: stopping.append(time.perf_counter()))
    request.config.stash[STOPPING] = stopping
    return result


def pytest_fixture_post_finalizer(fixturedef: pytest.FixtureDef, request) -> None:
    stopping = request.config.stash.get(STOPPING, [])
    if fixturedef.argname == "live_target" and stopping:
        took = time.perf_counter() - stopping.pop()
        request.config.stash[TIMES]["stop"] += took
        _ONE_OFF[0] += took


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if item.config.getoption("--own-durations"):
        report.duration = max(0.0, report.duration - _ONE_OFF[0])
    _ONE_OFF[0] = 0.0
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _PHASES.append(report.duration)


def pytest_sessionfinish(session: pytest.Session) -> None:
    times = session.config.stash[TIMES]
    times["session"] += time.perf_counter()
    times["tests"] = sum(_PHASES)
    out = session.config.getoption("--bench-out")
    if out:
        Path(out).write_text(json.dumps(times))
