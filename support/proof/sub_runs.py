"""How the suite runs pytest on itself in a child process (`make defects`, `make bench`, tests)."""

from __future__ import annotations

import sys

# The cache plugin stays on (its cache_dir is set in pyproject.toml, and --strict-config refuses
# an unknown option), but a child run must not change which tests a QA engineer's `--lf` or
# `--nf` picks next: the two plugins that write that are blocked by name.
LEAVE_THE_CACHE_ALONE = ("-p", "no:lfplugin", "-p", "no:nfplugin")


def pytest_command(*args: str) -> list[str]:
    """`python -m pytest ARGS` for a child run that leaves the last-failed list alone."""
    return [sys.executable, "-m", "pytest", *LEAVE_THE_CACHE_ALONE, *args]
