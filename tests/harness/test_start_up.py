"""The garbage collector is off only while a test process starts (support/plugin/start_up.py)."""

from __future__ import annotations

import gc
import subprocess

from support.proof.catalogues import ROOT
from support.proof.sub_runs import pytest_command


def test_the_collector_is_back_on_after_the_first_test() -> None:
    run = subprocess.run(
        pytest_command("tests/harness/gc_probe.py", "-q", "-s", "-p", "no:randomly"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "first test: collector off" in run.stdout, run.stdout[-2000:]
    assert "second test: collector on" in run.stdout, run.stdout[-2000:]


def test_the_collector_is_on_once_the_target_is_up(live_target) -> None:
    assert gc.isenabled()
