"""`--clean-alluredir` reuses the old results' files for the new ones (support/report/recycling.py):
the new files hold exactly what Allure wrote, nothing of the old ones, and nothing is left aside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from allure_commons.model2 import TestResult as ScenarioResult

from support.proof.sub_runs import run_embedded
from support.report import recycling
from support.report.recycling import (
    OldFiles,
    RecyclingFileLogger,
    _worker_share,
    aside_folders,
    remove_leftovers,
    set_aside,
)


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


@pytest.mark.parametrize("indented", ["", "1"])
def test_a_result_is_the_json_allure_would_write(tmp_path, monkeypatch, indented) -> None:
    monkeypatch.setenv("ALLURE_INDENT_OUTPUT", indented)
    result = ScenarioResult(uuid="u", name="Überweisung ✓ «quoted»", status="passed", start=2**70)
    logger = RecyclingFileLogger(str(tmp_path / "results"))
    logger.report_result(result)  # orjson refuses 2**70: Python's encoder writes it
    result.start = 1795383687123
    logger.report_result(result)
    written = [json.loads(path.read_bytes()) for path in (tmp_path / "results").iterdir()]
    assert sorted(each["start"] for each in written) == [1795383687123, 2**70]
    assert {each["name"] for each in written} == {"Überweisung ✓ «quoted»"}
    raw = b"".join(path.read_bytes() for path in (tmp_path / "results").iterdir())
    assert "Überweisung ✓".encode() in raw  # UTF-8, as Allure's own logger writes, not \u escapes
    assert (b"\n    " in raw) == bool(indented)


def _claimed(files: OldFiles, size: int) -> str:
    fd, path, _ = files.claim(size)
    os.close(fd)
    return path


def test_each_worker_takes_its_own_share_of_old_files_first(tmp_path: Path) -> None:
    # Two workers of three: each is handed its own third first (no claim of one can collide
    # with the other's), then whatever else is left, so that no old file goes unused.
    old = sorted(str(path) for path in _old_results(tmp_path / "old", count=9, size=1).values())
    for index in range(3):
        files = OldFiles([tmp_path / "old"], share=(index, 3))
        handed = [_claimed(files, 100) for _ in range(9)]
        assert sorted(handed[:3]) == old[index::3]
        assert sorted(handed) == old
        assert files.claim(100) is None
    one_process = OldFiles([tmp_path / "old"])
    assert sorted(_claimed(one_process, 100) for _ in range(9)) == old


def test_the_longest_old_file_that_fits_is_taken_first(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    for size in (0, 10, 100, 1000):
        (folder / f"{size}-attachment.txt").write_bytes(b"x" * size)
    files = OldFiles([folder])
    claims = [files.claim(wanted) for wanted in (150, 150, 5, 1)]
    assert [length for _, _, length in claims] == [100, 10, 0, 1000]  # the last must be cut
    assert files.claim(1) is None
    for fd, _, _ in claims:
        os.close(fd)


def test_an_old_file_another_process_holds_or_took_is_passed_over(tmp_path, monkeypatch):
    folder = tmp_path / "old"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}-attachment.txt").write_bytes(b"old")
    first, second = OldFiles([folder]), OldFiles([folder])
    held = first.claim(3)  # locked by "another process" (another open of the file)
    taken = second.claim(3)
    assert taken[1] != held[1]
    # A third is opened by the second, then renamed away and let go by the first before the
    # second locks it: the second sees that its name no longer names it.
    real_flock = recycling.fcntl.flock

    def first_takes_it_meanwhile(fd, operation):
        if os.fstat(fd).st_ino == third_inode:
            os.rename(third, tmp_path / "final-attachment.txt")
        return real_flock(fd, operation)

    (third,) = {str(folder / f"{name}-attachment.txt") for name in "abc"} - {held[1], taken[1]}
    third_inode = os.stat(third).st_ino
    monkeypatch.setattr(recycling.fcntl, "flock", first_takes_it_meanwhile)
    assert second.claim(3) is None
    for fd, _, _ in (held, taken):
        os.close(fd)


@pytest.mark.parametrize(
    ("worker", "count", "share"),
    [("gw0", "2", (0, 2)), ("gw1", "2", (1, 2)), ("gw11", "12", (11, 12)), ("gw2", "2", None),
     ("", "", None), ("gw0", "", None), ("master", "2", None), ("gwx", "2", None)],
)  # fmt: skip
def test_a_worker_knows_its_share_from_xdist(monkeypatch, worker, count, share) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", count)
    assert _worker_share() == share


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
