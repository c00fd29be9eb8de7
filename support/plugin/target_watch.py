"""Ends the run with one sentence when a part of the target dies mid-run.

When a test that talks to the target fails, the target's database, Redis and service are asked
whether they still answer (milliseconds when they do). If one is gone, the failure reads as that
one sentence (not a trace) and the run stops after the test (`session.shouldstop`, which xdist's
workers hand to the controlling process), instead of failing every remaining scenario with its
own trace, each after its own timeouts.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from support.target import probes
from support.target.run import LiveTarget

GONE = pytest.StashKey[str]()
LIVE = pytest.StashKey[LiveTarget]()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    # Scenarios ask for the target from their steps, so it is not among a test's own arguments:
    # it is remembered here when it opens.
    value = yield
    if fixturedef.argname == "target" and isinstance(value, LiveTarget):
        request.session.stash[LIVE] = value
    return value


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not report.failed:
        return report
    session = item.session
    gone = session.stash.get(GONE, None)
    target = session.stash.get(LIVE, None)
    if gone is None and target is not None:
        gone = probes.part_gone(target.base_url, target.database_url, target.redis_url)
    if gone:
        session.stash[GONE] = gone
        session.shouldstop = gone
        report.longrepr = gone  # the one sentence, not the trace of what failed because of it
        report.sections = []
    return report
