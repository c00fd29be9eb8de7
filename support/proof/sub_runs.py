"""How the suite runs pytest on itself in a child process (`make defects`, `make bench`, tests)."""

from __future__ import annotations

import os
import subprocess
import sys

from support.proof.catalogues import ROOT

# The cache plugin stays on (its cache_dir is set in pyproject.toml, and --strict-config refuses
# an unknown option), but a child run must not change which tests a QA engineer's `--lf` or
# `--nf` picks next: the two plugins that write that are blocked by name.
LEAVE_THE_CACHE_ALONE = ("-p", "no:lfplugin", "-p", "no:nfplugin")


def pytest_command(*args: str) -> list[str]:
    """`python -m pytest ARGS` for a child run that leaves the last-failed list alone."""
    return [sys.executable, "-m", "pytest", *LEAVE_THE_CACHE_ALONE, *args]


# A child run of the embedded platform: whatever target this shell points the suite at, and
# whatever xdist worker this test runs in, are not passed on.
NOT_INHERITED = {"BASE_URL", "DATABASE_URL", "REDIS_URL", "SERVICE_DEFECTS", "PYTEST_ADDOPTS"}


def embedded_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and "XDIST" not in k}


def run_embedded(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The suite run on itself against the embedded platform, from the project's folder."""
    return subprocess.run(
        pytest_command(*args),
        cwd=ROOT,
        env=embedded_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
