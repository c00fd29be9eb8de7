"""Running the suite leaves the database and Redis as it found them (outside the schema)."""

import os
import subprocess

import pytest

from support.proof.catalogues import ROOT
from support.proof.footprint import footprint
from support.proof.sub_runs import pytest_command
from support.target.embedded import start_embedded


@pytest.fixture(scope="module")
def servers():
    embedded = start_embedded()
    yield embedded
    embedded.stop()


def run_features(servers, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": servers.database_url,
        "REDIS_URL": servers.redis_url,
    }
    done = subprocess.run(
        pytest_command("steps", "-q", "-p", "no:randomly", *args),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_two_runs_leave_the_same_rows_and_keys(servers):
    # The first run also applies the schema; from then on every run must leave no trace.
    run_features(servers, "-n", "2")
    before = footprint(servers.database_url, servers.redis_url)
    run_features(servers, "-n", "2")
    after = footprint(servers.database_url, servers.redis_url)
    assert before["rows"].get("organisations") == 0, before
    assert after == before
