"""Shards of a run split across CI machines (pytest-split) run every scenario exactly once."""

from __future__ import annotations

import os
import subprocess

from support.proof.catalogues import ROOT
from support.proof.sub_runs import pytest_command

SHARDS = 3


def _collected(*args: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        pytest_command("steps", "--collect-only", "-q", *args),
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_shards_together_run_every_scenario_exactly_once():
    everything = _collected("-p", "no:randomly")
    picked: list[str] = []
    for shard in range(1, SHARDS + 1):
        # Each CI machine shuffles in its own random order (as `make shard` does): the split
        # must not depend on it.
        share = _collected(
            "-p",
            "randomly",
            f"--randomly-seed={shard * 7919}",
            f"--splits={SHARDS}",
            f"--group={shard}",
            "--splitting-algorithm=least_duration",
        )
        assert share, f"shard {shard} of {SHARDS} got no scenario"
        picked += share
    twice = sorted({i for i in picked if picked.count(i) > 1})
    assert not twice, f"run by more than one shard: {twice}"
    assert sorted(picked) == sorted(everything), (
        f"never run: {sorted(set(everything) - set(picked))}"
    )
