"""The suite's step lookup (support/plugin/step_lookup.py) finds what pytest-bdd's own finds."""

from __future__ import annotations

import re
import subprocess

from support.proof.catalogues import ROOT
from support.proof.sub_runs import pytest_command


def test_the_faster_lookup_finds_what_pytest_bdd_finds() -> None:
    # Scenarios of two capabilities, with outlines, tables and every kind of step.
    run = subprocess.run(
        pytest_command(
            "steps",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "tests.harness.step_lookup_check",
            "-k",
            "wallet or onboarding",
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    compared = re.search(r"steps compared: (\d+), distinct: (\d+)", run.stdout)
    assert compared and int(compared[2]) >= 50, run.stdout[-2000:]
