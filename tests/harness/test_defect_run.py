"""`make defects` says where it is, and counts a defect caught only on a failed expectation."""

from __future__ import annotations

import os
import subprocess
import sys

from support.proof.catalogues import ROOT


def test_the_defect_run_reports_each_defect_as_it_is_caught():
    names = ["wrong_password_accepted", "exact_balance_refused"]
    environment = {
        k: v for k, v in os.environ.items() if k not in {"BASE_URL", "DATABASE_URL", "REDIS_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "support.proof.defect_run", "--jobs", "1", *names],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.strip().startswith("[1/2]") and ": caught by" in line for line in lines)
    assert any(line.strip().startswith("[2/2]") and ": caught by" in line for line in lines)
    assert "by A wrong password does not sign the merchant in" in done.stdout
    assert "All 2 defects caught" in done.stdout
