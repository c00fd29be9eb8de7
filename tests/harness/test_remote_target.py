"""A remote target: state-changing scenarios refuse to run until the target is declared safe."""

import os
import subprocess

import pytest

from support.proof.catalogues import ROOT
from support.proof.sub_runs import pytest_command
from support.target.embedded import start_embedded
from support.target.inprocess import start_service


@pytest.fixture(scope="module")
def deployment():
    """A stand-in deployment: the reference service on its own database, not started by the
    suite under test."""
    servers = start_embedded()
    service = start_service(
        database_url=servers.database_url,
        redis_url=servers.redis_url,
        jwt_secret="remote-deployment-secret-of-at-least-32-chars",
    )
    yield {
        "BASE_URL": service.base_url,
        "DATABASE_URL": servers.database_url,
        "REDIS_URL": servers.redis_url,
    }
    service.stop()
    servers.stop()


def run_against(deployment, *args: str, **extra: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k not in {"JWT_SECRET", "TARGET_SAFE_FOR_TESTS"}}
    return subprocess.run(
        pytest_command("steps", "-q", "-p", "no:randomly", "-rs", *args),
        cwd=ROOT,
        env={**keep, **deployment, **extra},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_state_changing_scenarios_are_refused_on_a_target_not_declared_safe(deployment):
    done = run_against(deployment)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "is not declared safe for tests" in output and "TARGET_SAFE_FOR_TESTS=yes" in output
    assert " passed" not in output


def test_read_only_scenarios_run_on_a_target_not_declared_safe(deployment):
    done = run_against(deployment, "-m", "read_only")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed" in done.stdout


def test_a_safe_target_runs_everything_but_what_needs_its_signing_secret(deployment):
    done = run_against(deployment, "-k", "valid_pass", TARGET_SAFE_FOR_TESTS="yes")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "needs the target's signing secret: set JWT_SECRET" in done.stdout
    assert "4 passed, 2 skipped" in done.stdout
