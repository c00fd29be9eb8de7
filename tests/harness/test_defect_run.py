"""`make defects` says where it is, and counts a defect caught only on a failed expectation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from support.proof.catalogues import ROOT
from support.proof.defect_run import finished_lines
from support.proof.sub_runs import embedded_environment


def defect_run(*args: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"BASE_URL", "DATABASE_URL", "REDIS_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "support.proof.defect_run", "--jobs", "1", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return done


def test_the_defect_run_reports_each_defect_as_it_is_caught():
    names = ["wrong_password_accepted", "exact_balance_refused"]
    done = defect_run(*names)
    lines = done.stdout.splitlines()
    assert any(line.strip().startswith("[1/2]") and ": caught by" in line for line in lines)
    assert any(line.strip().startswith("[2/2]") and ": caught by" in line for line in lines)
    assert "by A wrong password does not sign the merchant in" in done.stdout
    assert "All 2 defects caught" in done.stdout


def test_a_defect_stops_at_the_first_scenario_that_catches_it_unless_every_one_is_asked_for():
    # The whole balance (WAL-1) has ten scenarios, of which one catches this defect.
    planned = re.compile(r"exact_balance_refused: caught by 1 of (\d+) scenarios(.*)")
    first = planned.search(defect_run("exact_balance_refused").stdout)
    assert first and first[2] == " (stopped there; 10 in all)" and int(first[1]) < 10, first
    every = planned.search(defect_run("--every-scenario", "exact_balance_refused").stdout)
    assert every and every[1] == "10" and every[2] == "", every


def test_a_verdict_is_read_only_once_its_line_is_finished(tmp_path):
    """make defects reads each process's verdicts while it writes them: a verdict longer than a
    write's buffer arrives in parts, and a part must wait for the rest (a bench run once failed
    on `Unterminated string`)."""
    verdicts = tmp_path / "verdicts-0.jsonl"
    assert finished_lines(verdicts, 0) == ([], 0)  # nothing written yet
    first = json.dumps({"defect": "first", "caught_by": ["x" * 9000]})
    second = json.dumps({"defect": "second", "caught_by": []})
    verdicts.write_text(first[:5000])
    assert finished_lines(verdicts, 0) == ([], 0)
    with verdicts.open("a") as file:
        file.write(first[5000:] + "\n" + second[:10])
    lines, offset = finished_lines(verdicts, 0)
    assert [json.loads(line)["defect"] for line in lines] == ["first"]
    assert finished_lines(verdicts, offset) == ([], offset)
    with verdicts.open("a") as file:
        file.write(second[10:] + "\n")
    lines, offset = finished_lines(verdicts, offset)
    assert [json.loads(line)["defect"] for line in lines] == ["second"]
    assert offset == verdicts.stat().st_size


def test_each_defect_process_starts_a_target_of_its_own(monkeypatch):
    """Defects break isolation on purpose (one posts any merchant's deliveries): processes that
    shared one database let one defect's scenarios take another process's deliveries. A defect
    process gets the environment of a child run of the embedded platform, which names none."""
    for name, value in {
        "DATABASE_URL": "postgresql://127.0.0.1:5432/shared",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "BASE_URL": "http://127.0.0.1:1",
        "SERVICE_DEFECTS": "wrong_password_accepted",
        "PYTEST_XDIST_WORKER": "gw1",
    }.items():
        monkeypatch.setenv(name, value)
    environment = embedded_environment()
    assert not {"DATABASE_URL", "REDIS_URL", "BASE_URL", "SERVICE_DEFECTS"} & set(environment)
    assert "PYTEST_XDIST_WORKER" not in environment
    assert environment["PATH"] == os.environ["PATH"]
