"""A short load run keeps every penny and every unit, and its consistency check catches a double
credit and refunded units that never went back into stock."""

import subprocess
import sys

from support.proof.catalogues import ROOT


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        # Briskly (the saturating pace): five seconds of three merchants must reach refunds.
        [
            sys.executable,
            "-m",
            "support.proof.load.run",
            *("--users", "3", "--seconds", "5", "--pause", "0.05,0.25"),
            *args,
        ],
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
    # The set-up is measured apart, and the latency verdict is about what follows it.
    assert "Set-up: 3 merchants signed up and in" in done.stdout
    assert "(all but sign-up and sign-in, after the set-up): " in done.stdout


def test_the_consistency_check_finds_a_double_credit_and_a_lost_unit():
    # Two catalogued defects in one run (a run costs seconds): each must be named.
    done = load("--defects", "duplicate_event_credits_twice,refund_restores_no_stock")
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "a confirmed payment not credited exactly once" in done.stdout
    assert "a stock that is not the start less the units sold and not refunded" in done.stdout


def test_a_pace_that_is_not_two_numbers_is_refused_before_anything_starts():
    done = subprocess.run(
        [sys.executable, "-m", "support.proof.load.run", "--pause", "fast"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "'fast' is not MIN,MAX in seconds" in done.stderr
