"""What a QA engineer reaches for every day works: `--lf`/`--ff`, and outline rows named apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from support.proof.catalogues import ROOT
from support.proof.sub_runs import LEAVE_THE_CACHE_ALONE, run_embedded

OUTLINE = "The wizard has only steps 0 to 4"


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    command = [sys.executable, "-m", "pytest", "-p", "no:randomly", *args]
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def throwaway_project(tmp_path: Path) -> Path:
    """A tiny project with this suite's own pytest options (addopts, cache_dir) and two tests,
    one of which fails until a file named `fixed` exists."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    ini = options["ini_options"]
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        f"addopts = {json.dumps(ini['addopts'])}\n"
        f"cache_dir = {json.dumps(ini['cache_dir'])}\n"
    )
    (tmp_path / "test_tiny.py").write_text(
        "from pathlib import Path\n\n"
        "def test_always_passes():\n    pass\n\n"
        "def test_passes_once_fixed():\n    assert Path('fixed').exists()\n"
    )
    return tmp_path


def test_last_failed_reruns_only_the_failed_tests(throwaway_project: Path):
    first = _pytest("-q", cwd=throwaway_project)
    assert first.returncode == 1, first.stdout
    assert "1 failed, 1 passed" in first.stdout
    cache = throwaway_project / ".run" / "pytest-cache"
    assert (cache / "v" / "cache" / "lastfailed").is_file(), "the cache lives in .run/"

    again = _pytest("--lf", "-v", cwd=throwaway_project)
    assert "test_passes_once_fixed FAILED" in again.stdout
    assert "test_always_passes" not in again.stdout, again.stdout
    assert "rerun previous 1 failure" in again.stdout and "1 failed in" in again.stdout

    first_failed_first = _pytest("--ff", "-v", cwd=throwaway_project)
    ran = [line for line in first_failed_first.stdout.splitlines() if "::test_" in line]
    assert "test_passes_once_fixed" in ran[0] and "test_always_passes" in ran[1], ran

    (throwaway_project / "fixed").touch()
    assert _pytest("--lf", "-q", cwd=throwaway_project).returncode == 0
    assert "2 passed" in _pytest("--lf", "-q", cwd=throwaway_project).stdout, "all green again"


def test_outline_rows_have_their_example_values_in_pytest_ids():
    collected = _pytest(
        *LEAVE_THE_CACHE_ALONE, "steps", "--collect-only", "-q", "-k", "wizard_has_only", cwd=ROOT
    )
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert [i.rsplit("[", 1)[1] for i in ids] == ["5]", "-1]"], collected.stdout


@pytest.mark.slow
def test_outline_rows_are_named_apart_in_the_report(tmp_path: Path):
    results = tmp_path / "allure-results"
    run = run_embedded(
        "steps", "-q", "-p", "no:randomly", "-k", "wizard_has_only", f"--alluredir={results}"
    )
    assert run.returncode == 0, run.stdout[-2000:]
    names = sorted(json.loads(p.read_text())["name"] for p in results.glob("*-result.json"))
    assert names == [f"{OUTLINE} [-1]", f"{OUTLINE} [5]"]
