"""A short load run keeps every penny, and its consistency check catches a double credit."""

import subprocess
import sys

from support.proof.catalogues import ROOT


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "support.proof.load.run", "--users", "3", "--seconds", "5", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_a_short_load_run_has_no_server_error_and_loses_nothing():
    done = load()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Server errors: 0" in done.stdout
    assert "Consistency: every penny accounted for" in done.stdout


def test_the_consistency_check_finds_a_payment_credited_twice():
    done = load("--defects", "duplicate_event_credits_twice")
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "a confirmed payment not credited exactly once" in done.stdout
