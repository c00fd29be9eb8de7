"""A wrong target stops the whole run at once with one sentence, not a failure per scenario."""

import os
import re
import subprocess
import time

import pytest

from support.plugin.tags import UnknownTag, apply_tag
from support.proof.catalogues import ROOT
from support.proof.sub_runs import pytest_command

# Most of a refused run is pytest's own start (and, with -n 2, its workers'), which a busy
# machine stretches to 20 s and more (seen: 20.3 s at a load average of 7). A run that tried its
# scenarios against the missing part would take minutes: 480 scenarios, 3 s probes each.
BOUND_SECONDS = 30  # as for a target that dies mid-run (test_target_dies.py)


def run_suite(*args: str, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    started = time.monotonic()
    done = subprocess.run(
        pytest_command("steps", "-q", "-p", "no:randomly", *args),
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, time.monotonic() - started


@pytest.mark.parametrize("parallel", [(), ("-n", "2")], ids=["serial", "parallel"])
def test_an_unreachable_database_stops_the_run_in_seconds_with_one_sentence(parallel):
    done, seconds = run_suite(
        *parallel,
        DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert seconds < BOUND_SECONDS, f"took {seconds:.0f} s"
    assert "The database at postgresql://nobody@127.0.0.1:1/nothing cannot be reached" in output
    assert "Traceback" not in output
    assert not re.search(r"\d+ (passed|failed|errors?)\b.* in [\d.]+s", output), "none may run"
    assert len([line for line in output.splitlines() if line.strip()]) <= 2, output


def test_half_a_configuration_is_refused_before_anything_starts():
    done, seconds = run_suite(DATABASE_URL="postgresql://127.0.0.1/x")
    assert done.returncode != 0 and seconds < BOUND_SECONDS
    assert "DATABASE_URL is set but REDIS_URL is not" in done.stdout + done.stderr


def test_an_unknown_tag_is_refused_with_the_tags_that_are_known():
    with pytest.raises(UnknownTag, match="@wip is not a tag this suite knows"):
        apply_tag("wip", lambda: None)
    with pytest.raises(UnknownTag, match="names no requirement"):
        apply_tag("req:NOPE-1", lambda: None)
