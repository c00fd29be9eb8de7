"""`make mutation`'s pieces: its cosmic-ray configuration and the equivalent-mutant catalogue."""

import subprocess
import sys
from pathlib import Path

import psutil
from cosmic_ray.config import load_config

from support.proof import mutation
from support.proof.catalogues import ROOT
from support.proof.mutant_check import main as mutant_check
from support.proof.mutation import (
    HARNESS_TESTS,
    MODULES,
    Score,
    _config,
    drifted,
    equivalents,
    table,
)


def test_every_configuration_reads_as_cosmic_ray_reads_it(tmp_path: Path):
    for module, requirements in MODULES.items():
        assert (ROOT / module).exists(), module
        path = tmp_path / "mutation.toml"
        path.write_text(_config(module, requirements))
        config = load_config(str(path))
        assert config["module-path"] == module
        assert all(f"--requirement={req}" in config.test_command for req in requirements)
        assert config.sub("filters", "operators-filter")["exclude-operators"]
        assert all(test in config.test_command for test in HARNESS_TESTS.get(module, ()))


def test_every_harness_test_named_exists_for_a_measured_module():
    for module, tests in HARNESS_TESTS.items():
        assert module in MODULES, module
        assert tests and all((ROOT / test).is_file() for test in tests), tests


def test_a_failing_harness_test_kills_the_mutant_before_any_scenario_runs(tmp_path: Path):
    failing = tmp_path / "test_fails.py"
    failing.write_text("def test_fails():\n    assert False\n")
    # The scenarios' arguments would fail to run at all: they are never reached.
    assert mutant_check([str(failing), "--", "no-such-folder"]) != 0
    assert mutant_check(["no separator"]) == 2


def test_every_equivalent_mutant_names_a_measured_module_and_says_why():
    for mutant, reason in equivalents().items():
        assert mutant.split(":")[0] in MODULES, mutant
        assert reason.strip(), mutant


def test_every_equivalent_mutant_still_names_the_line_it_was_written_for():
    # A module edited above an entry moves its line: the entry would excuse another mutant.
    assert drifted() == []


def test_a_moved_line_is_named_and_stops_the_run_before_it_starts(tmp_path: Path, monkeypatch):
    catalogue = tmp_path / "equivalent_mutants.toml"
    catalogue.write_text(
        '[[equivalent]]\nmutant = "service/domain/wallet.py:1:*"\n'
        'code = "return 42"\nreason = "a line that is not there"\n'
    )
    monkeypatch.setattr(mutation, "EQUIVALENT_FILE", catalogue)
    assert drifted() == [
        "service/domain/wallet.py:1:*: written for 'return 42', holds "
        + repr((ROOT / "service/domain/wallet.py").read_text().splitlines()[0].strip())
    ]
    assert mutation.main(["service/domain/wallet.py"]) == 2


def test_the_table_scores_killed_against_killed_and_survived():
    score = Score("service/domain/x.py", killed=9, survivors=["a"], skipped=3)
    assert score.percent == 90.0
    assert "| service/domain/x.py | 13 | 3 | 9 | 1 | 0 | 0 | 90% |" in table([score])


def test_a_stopped_run_stops_the_scenarios_cosmic_ray_started_in_their_own_session():
    # cosmic-ray starts each test command in a session of its own: its process group does not
    # reach it, and a run stopped early must not leave scenarios running.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
            " start_new_session=True)\n"
            "print(child.pid, flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    child = psutil.Process(int(parent.stdout.readline()))
    mutation._stop_tree(parent)
    assert parent.poll() is not None
    child.wait(timeout=5)  # psutil.TimeoutExpired if it were still running
    parent.stdout.close()


def _finished(line: int, outcome, operator: str = "core/NumberReplacer", diff: str = ""):
    from cosmic_ray.work_item import MutationSpec, WorkerOutcome, WorkItem, WorkResult

    spec = MutationSpec("service/domain/x.py", operator, 0, (line, 0), (line, 1))
    return WorkItem(f"job-{line}", [spec]), WorkResult(
        WorkerOutcome.NORMAL, test_outcome=outcome, diff=diff
    )


def test_each_survivor_is_printed_once_with_its_diff_as_soon_as_it_is_known(capsys):
    from cosmic_ray.work_item import TestOutcome

    known = {"service/domain/x.py:3:core/NumberReplacer": "a log message's number"}
    first = [_finished(1, TestOutcome.KILLED), _finished(2, TestOutcome.SURVIVED, diff="-a\n+b")]
    later = [*first, _finished(3, TestOutcome.SURVIVED), _finished(4, TestOutcome.SURVIVED)]
    shown: set[str] = set()
    mutation._show_new(mutation._tally("service/domain/x.py", first, known), shown)
    score = mutation._tally("service/domain/x.py", later, known)
    mutation._show_new(score, shown)
    printed = capsys.readouterr().out
    assert printed.count("survived: service/domain/x.py:2:core/NumberReplacer") == 1
    assert "      -a\n      +b" in printed
    assert "x.py:3:" not in printed  # listed as equivalent
    assert printed.count("survived: service/domain/x.py:4:core/NumberReplacer") == 1
    assert (score.killed, len(score.survivors), score.equivalent) == (
        1,
        2,
        ["service/domain/x.py:3:core/NumberReplacer"],
    )
