"""`make mutation`: how many small changes to the service's domain code the scenarios notice.

cosmic-ray makes each mutant (one operator applied at one place of one module) and runs the
acceptance scenarios against it (after the few harness tests a module names, HARNESS_TESTS); a
mutant is killed when a scenario or one of those tests fails. It works in a copy of the tree,
so the working tree is never changed, and every mutant's scenarios share one embedded
PostgreSQL and Redis (each scenario signs up its own merchants, as in `make defects`). Mutants
listed in catalogue/equivalent_mutants.toml (they cannot change behaviour) leave the score.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from support.proof.catalogues import ROOT
from support.proof.sub_runs import LEAVE_THE_CACHE_ALONE
from support.target.embedded import start_embedded

EQUIVALENT_FILE = ROOT / "catalogue" / "equivalent_mutants.toml"
# Each domain module and the requirements whose scenarios may kill its mutants: running only
# those keeps a mutant to seconds; a scenario left out can only lower the score, never raise it.
MODULES: dict[str, tuple[str, ...]] = {
    "service/domain/onboarding.py": ("ONB-1", "ONB-2", "ONB-3", "ONB-4", "ONB-5", "ONB-6",
                                     "ONB-7", "ONB-8", "ONB-9", "ONB-10", "TEN-2", "ACC-6"),
    "service/domain/accounts.py": ("ACC-1", "ACC-2", "ACC-3", "ACC-4", "ACC-5", "ACC-6", "ERR-1"),
    "service/domain/wallet.py": ("BIL-1", "BIL-3", "BIL-4", "BIL-5", "BIL-6", "WAL-1", "WAL-3",
                                 "WAL-4", "WAL-5", "MON-2", "MON-4", "SEC-5", "TEN-1"),
    "service/domain/payment_events.py": ("BIL-2", "BIL-5", "BIL-6", "HOOK-1", "HOOK-2",
                                         "HOOK-3", "HOOK-4", "HOOK-5", "MON-1", "MON-3",
                                         "MON-4", "ORD-11", "ORD-12", "ORD-13",
                                         "ORD-14"),
    "service/domain/phone_numbers.py": ("NUM-1", "NUM-2", "NUM-3", "NUM-4", "NUM-5", "NUM-6",
                                        "NUM-7", "MON-4"),
    "service/domain/idempotency.py": ("MON-2",),
    "service/domain/orders.py": ("ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-5", "ORD-6", "ORD-7",
                                 "ORD-8", "ORD-9", "ORD-10", "ORD-11", "ORD-12", "ORD-13",
                                 "ORD-14", "WHO-10"),
    "service/domain/refunds.py": ("REF-1", "REF-2", "REF-3", "REF-4", "REF-5", "REF-6", "WHO-11"),
    "service/domain/webhooks.py": ("WHO-1", "WHO-2", "WHO-3", "WHO-4", "WHO-5", "WHO-6",
                                   "WHO-7", "WHO-8", "WHO-9"),
    "service/domain/abandonment.py": ("ABN-1", "ABN-2", "ABN-3", "ABN-4", "ABN-5", "ABN-6",
                                      "ABN-7", "ABN-8", "ABN-9", "ABN-10", "ABN-11", "ABN-12",
                                      "ABN-13"),
}  # fmt: skip
# Harness tests that may kill a module's mutants too (support/proof/mutant_check.py runs them
# before the scenarios): what no scenario reaches in seconds, such as a schedule's interval, a
# run's hundred-and-first error or its totals over several batches.
HARNESS_TESTS: dict[str, tuple[str, ...]] = {
    "service/domain/abandonment.py": ("tests/service/test_abandonment_rules.py",
                                      "tests/service/test_abandonment_run.py",
                                      "tests/service/test_abandonment_schedule.py"),
    "service/domain/webhooks.py": ("tests/service/test_webhook_schedule.py",),
}  # fmt: skip
# `X | None` in annotations: with `from __future__ import annotations` they are never evaluated,
# so changing the operator cannot change behaviour (no domain module uses `|` at run time).
SKIPPED_OPERATORS = ("core/ReplaceBinaryOperator_BitOr_.*",)
PROGRESS_SECONDS = 30
SECONDS_PER_MUTANT = 240  # a mutant that hangs the scenarios counts as killed after this
COPIED = (
    "service",
    "support",
    "steps",
    "features",
    "catalogue",
    "tests",
    "conftest.py",
    "pyproject.toml",
)


class BaselineFailed(Exception):
    """The killing scenarios fail on the unmutated code, so no mutant's score would mean a thing."""


@dataclass
class Score:
    module: str
    killed: int = 0
    survivors: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)  # survivor -> the mutant's diff
    equivalent: list[str] = field(default_factory=list)
    incompetent: int = 0
    skipped: int = 0
    seconds: float = 0.0

    @property
    def counted(self) -> int:
        return self.killed + len(self.survivors)

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.counted if self.counted else 100.0


def _entries() -> list[dict[str, str]]:
    if not EQUIVALENT_FILE.exists():
        return []
    with EQUIVALENT_FILE.open("rb") as handle:
        return tomllib.load(handle).get("equivalent", [])


def equivalents() -> dict[str, str]:
    """ "module:line:operator" -> why the mutant cannot change what the platform does
    ("module:line:*": every operator on that line)."""
    return {entry["mutant"]: entry["reason"] for entry in _entries()}


def drifted() -> list[str]:
    """Entries whose line no longer holds the code they were written for: lines move whenever a
    module is edited, and an entry left behind would excuse another mutant (or none)."""
    moved = []
    for entry in _entries():
        module, line, _ = entry["mutant"].split(":", 2)
        lines = (ROOT / module).read_text().splitlines()
        held = lines[int(line) - 1].strip() if 0 < int(line) <= len(lines) else None
        if held != entry.get("code"):
            moved.append(f"{entry['mutant']}: written for {entry.get('code')!r}, holds {held!r}")
    return moved


def _config(module: str, requirements: tuple[str, ...]) -> str:
    command = [
        sys.executable, "-m", "support.proof.mutant_check", *HARNESS_TESTS.get(module, ()), "--",
        "steps", "-x", "-q", "-p", "no:randomly",
        *LEAVE_THE_CACHE_ALONE, *(f"--requirement={req}" for req in requirements),
    ]  # fmt: skip
    return (
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        f"timeout = {SECONDS_PER_MUTANT}\n"
        "excluded-modules = []\n"
        f"test-command = {shlex.join(command)!r}\n"
        '[cosmic-ray.distributor]\nname = "local"\n'
        "[cosmic-ray.filters.operators-filter]\n"
        f"exclude-operators = {list(SKIPPED_OPERATORS)!r}\n"
    )


def _tally(module: str, completed, known: dict[str, str]) -> Score:
    """Counts cosmic-ray's finished work items; a survivor keeps its diff, so that it can be
    killed or listed without running the module again."""
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    score = Score(module)
    for item, result in completed:
        spec = item.mutations[0]
        name = f"{module}:{spec.start_pos[0]}:{spec.operator_name}"
        if result.worker_outcome == WorkerOutcome.SKIPPED:
            score.skipped += 1
        elif result.test_outcome == TestOutcome.KILLED:
            score.killed += 1
        elif result.test_outcome == TestOutcome.INCOMPETENT:
            score.incompetent += 1
        elif name in known or f"{module}:{spec.start_pos[0]}:*" in known:
            score.equivalent.append(name)
        else:
            survivor = f"{name} (occurrence {spec.occurrence})"
            score.survivors.append(survivor)
            score.diffs[survivor] = result.diff or ""
    return score


def _show_new(score: Score, shown: set[str]) -> None:
    """Prints each survivor with its diff once, as soon as it is known: a run of an hour or more
    says what it found as it goes, and a run stopped early has still said it."""
    for survivor in score.survivors:
        if survivor not in shown:
            shown.add(survivor)
            diff = "\n".join(f"      {line}" for line in score.diffs[survivor].splitlines())
            print(f"    survived: {survivor}\n{diff}", flush=True)


def measure(module: str, tree: Path, known: dict[str, str]) -> Score:
    from cosmic_ray.work_db import WorkDB, use_db

    started = time.monotonic()
    (tree / "mutation.toml").write_text(_config(module, MODULES[module]))
    cosmic_ray = [sys.executable, "-m", "cosmic_ray.cli"]
    skip = [sys.executable, "-m", "cosmic_ray.tools.filters.operators_filter"]
    # Unmutated, the scenarios must pass: otherwise every mutant would count as killed.
    baseline = subprocess.Popen(
        [*cosmic_ray, "--verbosity", "ERROR", "baseline", "mutation.toml"],
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, errors = baseline.communicate()
    finally:
        if baseline.poll() is None:
            _stop_tree(baseline)
    if baseline.returncode != 0:
        raise BaselineFailed(f"{module}'s scenarios fail without any mutant:\n{errors}")
    for command in (
        [*cosmic_ray, "init", "mutation.toml", "session.sqlite"],
        [*skip, "session.sqlite", "mutation.toml"],
    ):
        subprocess.run(command, cwd=tree, check=True)
    # A run stopped early stops cosmic-ray and the scenarios it started (_stop_tree).
    running = subprocess.Popen([*cosmic_ray, "exec", "mutation.toml", "session.sqlite"], cwd=tree)
    shown: set[str] = set()
    try:
        while True:  # progress, every PROGRESS_SECONDS, while the mutants run
            try:
                running.wait(timeout=PROGRESS_SECONDS)
                break
            except subprocess.TimeoutExpired:
                with use_db(str(tree / "session.sqlite"), WorkDB.Mode.open) as db:
                    done, total = db.num_results, db.num_work_items
                    score = _tally(module, db.completed_work_items, known)
                minutes = (time.monotonic() - started) / 60
                tried = f"{done} of {total} mutants tried"
                print(f"  {module}: {tried}, {len(score.survivors)} survived "
                      f"({minutes:.1f} min)", flush=True)  # fmt: skip
                _show_new(score, shown)
    finally:
        if running.poll() is None:
            _stop_tree(running)
    if running.returncode != 0:
        raise subprocess.CalledProcessError(running.returncode, running.args)
    with use_db(str(tree / "session.sqlite"), WorkDB.Mode.open) as db:
        score = _tally(module, db.completed_work_items, known)
    _show_new(score, shown)
    (tree / "session.sqlite").unlink()
    score.seconds = time.monotonic() - started
    return score


def table(scores: list[Score]) -> str:
    lines = [
        "| module | mutants | skipped (annotations) | killed | survived | equivalent "
        "| not runnable | score | minutes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        total = s.counted + len(s.equivalent) + s.incompetent + s.skipped
        lines.append(
            f"| {s.module} | {total} | {s.skipped} | {s.killed} | {len(s.survivors)} "
            f"| {len(s.equivalent)} | {s.incompetent} | {s.percent:.0f}% | {s.seconds / 60:.1f} |"
        )
    return "\n".join(lines)


def _stop_tree(running: subprocess.Popen) -> None:
    """Stops cosmic-ray and every process under it: it starts each test command in a session
    of its own, so its process group would not reach the scenarios (psutil, already installed
    with Locust and pgserver, finds them). One left running would write into the copied tree
    while it is removed, and use the embedded servers after they stop."""
    try:
        tree = [psutil.Process(running.pid), *psutil.Process(running.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    for process in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
    _, alive = psutil.wait_procs(tree, timeout=10)
    for process in alive:
        process.kill()
    running.wait()


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    parser.add_argument("--target", type=float, default=90.0, help="lowest score per module")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        print(f"Not a measured domain module: {', '.join(unknown)}; known: {', '.join(MODULES)}.")
        return 2
    modules = args.modules or list(MODULES)
    moved = drifted()
    if moved:
        print(f"{EQUIVALENT_FILE.name} names lines that have moved; align each first:")
        print("\n".join(f"  {entry}" for entry in moved))
        return 2
    known = equivalents()
    # Stopped with SIGTERM (a CI job cancelled, `kill`), it cleans up as it does for Ctrl-C:
    # the mutants' processes and the embedded servers go too.
    signal.signal(signal.SIGTERM, _interrupted)
    servers = start_embedded()
    scores: list[Score] = []
    try:
        copy = tempfile.TemporaryDirectory(prefix="mps-mutation-", ignore_cleanup_errors=True)
        with copy as folder:
            tree = Path(folder)
            for name in COPIED:
                source = ROOT / name
                if source.is_dir():
                    ignore = shutil.ignore_patterns("__pycache__")
                    shutil.copytree(source, tree / name, ignore=ignore)
                else:
                    shutil.copy2(source, tree / name)
            os.environ.update(DATABASE_URL=servers.database_url, REDIS_URL=servers.redis_url)
            for module in modules:
                print(f"Mutating {module}…", flush=True)
                scores.append(measure(module, tree, known))
    except BaselineFailed as failed:
        print(failed)
        return 3
    except KeyboardInterrupt:
        done = ", ".join(f"{s.module} {s.percent:.0f}%" for s in scores) or "none"
        print(f"\nStopped before the end; modules measured: {done}.")
        return 130
    finally:
        servers.stop()
    print()
    print(table(scores))
    for score in scores:
        for survivor in score.survivors:
            print(f"survived: {survivor}")
    low = [s.module for s in scores if s.percent < args.target]
    if low:
        print(f"\nBelow {args.target:.0f}%: {', '.join(low)}.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
