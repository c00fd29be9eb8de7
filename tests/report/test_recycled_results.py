"""`--clean-alluredir` reuses the old results' files for the new ones (support/report/recycling.py):
the new files hold exactly what Allure wrote, nothing of the old ones, and nothing is left aside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from allure_commons.model2 import TestResult as ScenarioResult

from support.proof.sub_runs import run_embedded
from support.report.recycling import RecyclingFileLogger, aside_folders, remove_leftovers, set_aside


def _old_results(results: Path, count: int, size: int) -> dict[int, Path]:
    results.mkdir()
    files = {}
    for number in range(count):
        path = results / f"old-{number}-attachment.txt"
        path.write_bytes(b"old secret " * size)
        files[path.stat().st_ino] = path
    return files


def test_new_files_are_the_old_ones_rewritten_and_the_rest_is_removed(tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    old_inodes = set(_old_results(results, count=3, size=100))
    set_aside(results)
    assert not results.exists() and len(aside_folders(results)) == 1

    logger = RecyclingFileLogger(str(results))
    logger.report_attached_data(body="short", file_name="a-attachment.txt")
    logger.report_attached_data(body=b"\x00bytes", file_name="b-attachment.txt")
    result = ScenarioResult(uuid="c", name="A scenario", status="passed")
    logger.report_result(result)

    written = {p.name: p for p in results.iterdir()}
    assert written["a-attachment.txt"].read_bytes() == b"short", "nothing of the old file is left"
    assert written["b-attachment.txt"].read_bytes() == b"\x00bytes"
    [scenario] = results.glob("*-result.json")
    assert json.loads(scenario.read_text())["name"] == "A scenario"
    assert len(written) == 3
    assert {p.stat().st_ino for p in written.values()} == old_inodes, "no new file was made"

    logger.report_attached_data(body="more", file_name="d-attachment.txt")  # none left to reuse
    assert (results / "d-attachment.txt").read_text() == "more"
    remove_leftovers(results)
    assert aside_folders(results) == []


def test_leftovers_of_a_killed_run_are_reused_then_removed(tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    killed = tmp_path / ".allure-results.recycling-1-2"  # set aside by a run that was killed
    old_inodes = set(_old_results(killed, count=2, size=1))
    logger = RecyclingFileLogger(str(results))
    logger.report_attached_data(body="new", file_name="a-attachment.txt")
    assert (results / "a-attachment.txt").stat().st_ino in old_inodes
    remove_leftovers(results)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["allure-results"]


def test_a_link_set_aside_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not the report's")
    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "symbolic-attachment.txt").symlink_to(outside)
    os.link(outside, results / "hard-attachment.txt")
    set_aside(results)

    logger = RecyclingFileLogger(str(results))
    for name in ("a", "b", "c"):
        logger.report_attached_data(body="report text", file_name=f"{name}-attachment.txt")

    assert outside.read_text() == "not the report's"
    assert sorted(p.name for p in results.iterdir()) == [
        "a-attachment.txt",
        "b-attachment.txt",
        "c-attachment.txt",
    ]
    assert all(not p.is_symlink() for p in results.iterdir())
    assert outside.stat().st_nlink == 1, "the hard link was dropped, not written to"


@pytest.mark.slow
def test_a_second_reported_run_reuses_the_first_runs_files(tmp_path: Path) -> None:
    results = tmp_path / "allure-results"
    selection = ("steps", "-q", "-p", "no:randomly", "-k", "wizard_has_only")

    def run() -> dict[str, int]:
        done = run_embedded(*selection, f"--alluredir={results}", "--clean-alluredir")
        assert done.returncode == 0, done.stdout[-2000:]
        return {p.name: p.stat().st_ino for p in results.iterdir()}

    first, second = run(), run()
    # Allure's own files (the run writes its environment and categories itself, by name)
    allure_files = {name: inode for name, inode in second.items() if "-" in name}
    assert len(allure_files) == len(second) - 2 and set(allure_files).isdisjoint(first)
    assert set(allure_files.values()) <= set(first.values()), "every Allure file is reused"
    names = sorted(json.loads(p.read_text())["name"] for p in results.glob("*-result.json"))
    assert len(names) == 2, names
    assert aside_folders(results) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "allure-results"
    ]
