"""A target that dies mid-run ends the run within seconds, with one sentence naming what went.

Each test starts a target of its own, runs a few scenarios against it in a pytest subprocess,
and takes one part away (the database, Redis, the service) once the first scenario has passed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.proof.catalogues import ROOT
from support.target.embedded import EmbeddedServers, processes_naming, start_embedded
from support.target.inprocess import start_service

OWN_TARGET = {"JWT_SECRET", "TARGET_SAFE_FOR_TESTS", "BASE_URL", "DATABASE_URL", "REDIS_URL"}
ENDS_WITHIN_SECONDS = 30  # the sentence comes within seconds; the rest is a busy machine's slack


@pytest.fixture
def servers() -> Iterator[EmbeddedServers]:
    embedded = start_embedded()
    yield embedded
    embedded.stop()


def run_and_take_away(
    target: dict[str, str], scenarios: str, take_away: Callable[[], None], *options: str
) -> tuple[str, int, float]:
    """Output, exit code and seconds from the part's going to the run's end."""
    env = {k: v for k, v in os.environ.items() if k not in OWN_TARGET}
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "steps",
            "-v",
            "-p",
            "no:randomly",
            "-k",
            scenarios,
            *options,
        ],
        cwd=ROOT,
        env={**env, **target},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert run.stdout is not None
    before = []
    for line in run.stdout:  # until the first scenario has passed: the run is under way
        before.append(line)
        if " PASSED" in line:
            break
    take_away()
    gone_at = time.monotonic()
    try:
        after, _ = run.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        run.kill()
        after = run.communicate()[0]
    return "".join(before) + after, run.returncode, time.monotonic() - gone_at


def expect_one_sentence(output: str, code: int, seconds: float, part: str) -> None:
    sentence = f"Interrupted: The target's {part}"
    assert code == pytest.ExitCode.INTERRUPTED and sentence in output, output[-3000:]
    assert "went away during the run" in output, output[-3000:]
    # The scenario that found it fails with the sentence: no trace, and nothing runs after it.
    assert "Traceback" not in output and output.count(" FAILED") <= 1, output[-3000:]
    assert seconds < ENDS_WITHIN_SECONDS, f"the run took {seconds:.1f} s to end"


def _stop_process(pid: int, how: signal.Signals = signal.SIGKILL) -> None:
    os.kill(pid, how)


def test_a_database_that_goes_away_ends_the_run(servers: EmbeddedServers) -> None:
    postmaster = int(Path(servers.folder, "pg", "postmaster.pid").read_text().split()[0])
    output, code, seconds = run_and_take_away(
        {"DATABASE_URL": servers.database_url, "REDIS_URL": servers.redis_url},
        "payment or confirmation",
        # An immediate shutdown: the server and every session it serves end at once.
        lambda: _stop_process(postmaster, signal.SIGQUIT),
    )
    expect_one_sentence(output, code, seconds, "database")


def test_a_redis_that_goes_away_ends_the_run(servers: EmbeddedServers, tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    output, code, seconds = run_and_take_away(
        {"DATABASE_URL": servers.database_url, "REDIS_URL": servers.redis_url},
        "payment or confirmation",
        lambda: _stop_process(_redis_pid(servers.redis_url)),
        f"--alluredir={results}",
    )
    expect_one_sentence(output, code, seconds, "Redis")
    # The report reads the sentence too: the target's watch rewrites the failure before Allure's
    # listener, which wraps it, records it (support/plugin/session.py says why the order holds).
    failed = [
        json.loads(path.read_text())
        for path in results.glob("*-result.json")
        if json.loads(path.read_text())["status"] in ("failed", "broken")
    ]
    assert len(failed) == 1, [f["name"] for f in failed]
    trace = failed[0]["statusDetails"].get("trace", "")
    assert "The target's Redis" in trace and "Traceback" not in trace, trace[-2000:]


def test_a_service_that_stops_ends_the_run(servers: EmbeddedServers) -> None:
    secret = "a-deployment-that-stops-secret-of-32-chars-or-more"
    service = start_service(
        database_url=servers.database_url, redis_url=servers.redis_url, jwt_secret=secret
    )
    output, code, seconds = run_and_take_away(
        {
            "BASE_URL": service.base_url,
            "DATABASE_URL": servers.database_url,
            "REDIS_URL": servers.redis_url,
            "TARGET_SAFE_FOR_TESTS": "yes",
        },
        "account",
        service.stop,
    )
    expect_one_sentence(output, code, seconds, "service")


def _redis_pid(redis_url: str) -> int:
    """The embedded Redis serving this socket (its command line names its own folder)."""
    folder = Path(redis_url.removeprefix("unix://")).parent
    found = processes_naming(folder)
    if len(found) != 1:
        raise AssertionError(f"Expected one Redis process to serve {redis_url}, found {found}.")
    return found[0]
