"""`make bench`: how fast the suite runs on this machine, as medians of a few runs per figure.

Runs the scenarios (leaving out @slow ones, which wait on real time) serial, with `-n 2` and
`-n auto`, with `-n 2` writing Allure results, one scenario from a cold start, and the defect
run; each a few times (bounded by --repeats), the four whole runs in turns after one round
that is not counted. Prints progress as it goes, then a table of medians, throughput and
ratios (of runs in the same turn) against the targets of the suite's speed issue, the
machine's core count and load, and how a serial run's time divides (one more serial run
with support/proof/bench_plugin.py, after the others and not compared).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from support.proof.catalogues import ROOT
from support.proof.sub_runs import embedded_environment, pytest_command

FAST = ("steps", "-q", "-p", "no:randomly", "-m", "not slow")
COLD_SCENARIO = "completing_onboarding_records_the_business"


@dataclass
class Figure:
    name: str
    command: list[str]
    repeats: int
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system time of the run's processes
    scenarios: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def figures(repeats: int, work: Path) -> list[Figure]:
    results = work / "allure-results"
    defect_repeats = min(repeats, 2)  # the longest figure: two runs give its median
    return [
        Figure("serial", pytest_command(*FAST), repeats),
        Figure("-n 2", pytest_command(*FAST, "-n", "2"), repeats),
        Figure("-n auto", pytest_command(*FAST, "-n", "auto"), repeats),
        Figure(
            "-n 2 --alluredir",
            pytest_command(*FAST, "-n", "2", f"--alluredir={results}", "--clean-alluredir"),
            repeats,
        ),
        Figure("one scenario, cold", pytest_command(*FAST, "-k", COLD_SCENARIO), repeats),
        Figure("make defects", [sys.executable, "-m", "support.proof.defect_run"], defect_repeats),
    ]


# How a serial run's time divides is measured in one more serial run, after the compared ones
# and left out of the table: the plugin that measures it times every request and fixture, and
# in the serial figure it made serial 2% slower (six A B pairs, median), in the favour of the
# -n 2 figure it is compared with.
SPLIT = "serial, timed by phase"


def split_figure(chosen: list[Figure]) -> Figure | None:
    if not any(f.name == "serial" for f in chosen):
        return None
    return Figure(SPLIT, pytest_command(*FAST, "-p", "support.proof.bench_plugin"), 1)


def run(figure: Figure, split_file: Path) -> tuple[float, float, str]:
    command = list(figure.command)
    if "support.proof.bench_plugin" in command:
        command.append(f"--bench-out={split_file}")
    env = embedded_environment()  # the bench measures the embedded platform
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        # The whole output is kept: a defect run's verdict for the defect that escaped can be
        # far above its last lines.
        kept = (
            ROOT / ".run" / f"bench-failed-{re.sub(r'[^a-z0-9]+', '-', figure.name).strip('-')}.log"
        )
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(output)
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise SystemExit(
            f"`{' '.join(command[2:])}` failed (exit {done.returncode}); its whole output is in"
            f" {kept.relative_to(ROOT)}. The last lines:\n{tail}"
        )
    return took, cpu, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--only", action="append", default=[], help="only this figure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mps-bench-") as temporary:
        work = Path(temporary)
        chosen = [
            f for f in figures(max(1, args.repeats), work) if not args.only or f.name in args.only
        ]
        order = schedule(chosen)
        split = split_figure(chosen)
        if split is not None:
            order.append((split, 1))
        total = len(order)
        load_before = os.getloadavg()
        print(f"Benchmark: {len(chosen)} figures, {total} runs, {os.cpu_count()} cores", flush=True)
        splits: list[dict[str, float]] = []
        for done, (figure, attempt) in enumerate(order, start=1):
            which = f"run {attempt} of {figure.repeats}" if attempt else "warm-up, not counted"
            if figure is split:
                which = "for where the time goes, not compared"
            print(f"  [{done}/{total}] {figure.name}, {which}…", end="", flush=True)
            split_file = work / f"split-{done}.json"
            took, cpu, output = run(figure, split_file)
            print(f" {took:.1f} s ({cpu:.1f} s of CPU)", flush=True)
            if not attempt:
                continue
            figure.seconds.append(took)
            figure.cpu.append(cpu)
            figure.scenarios = _scenarios(output)
            if split_file.exists():
                splits.append({**json.loads(split_file.read_text()), "wall": took})
        print()
        print(table(chosen, os.cpu_count() or 1, load_before, os.getloadavg()))
        if splits:
            print()
            print(time_split(splits))
    return 0


# Figures compared with each other run in turns (one of each, then again), after one round
# that is not counted: the machine's speed drifts by a fifth over minutes here, and run one
# figure after the other, a ratio measured the drift as much as the suite. The first round
# also fills the caches and gives the Allure figure the old results a repeated run reuses.
IN_TURNS = ("serial", "-n 2", "-n auto", "-n 2 --alluredir")


def schedule(chosen: list[Figure]) -> list[tuple[Figure, int]]:
    """(figure, run number) in the order they run; run number 0 is the uncounted round."""
    in_turns = [f for f in chosen if f.name in IN_TURNS]
    order = [(f, 0) for f in in_turns]
    for attempt in range(1, max((f.repeats for f in in_turns), default=0) + 1):
        order += [(f, attempt) for f in in_turns if attempt <= f.repeats]
    for f in chosen:
        if f.name not in IN_TURNS:
            order += [(f, attempt) for attempt in range(1, f.repeats + 1)]
    return order


def turn_ratios(slower: Figure, faster: Figure) -> list[float]:
    """The ratio of the two runs made in each turn, turn by turn."""
    return [a / b for a, b in zip(slower.seconds, faster.seconds, strict=False)]


def paired(slower: Figure, faster: Figure) -> float:
    """The median of the ratios of runs made in the same turn."""
    return statistics.median(turn_ratios(slower, faster))


def _ratio(slower: Figure, faster: Figure) -> str:
    """`1.13× (turns: 1.06, 1.15, 1.13)`: the spread shows how far the median can be trusted."""
    turns = ", ".join(f"{r:.2f}" for r in turn_ratios(slower, faster))
    return f"{paired(slower, faster):.2f}× (turns: {turns})"


def _scenarios(output: str) -> int:
    found = re.search(r"(\d+) passed", output)
    caught = re.search(r"All (\d+) defects caught", output)
    return int(found.group(1)) if found else int(caught.group(1)) if caught else 0


def table(chosen: list[Figure], cores: int, load_before, load_after) -> str:
    by = {f.name: f for f in chosen}
    rows = [("figure", "median", "runs", "CPU", "scenarios", "per second", "target")]
    targets = {
        "serial": "≥ 9 per second",
        "-n 2": "≥ 15 per second",
        "one scenario, cold": "≤ 2.5 s",
        "make defects": "≤ 0.83 s a defect (half of 53 s / 32)",
    }
    for f in chosen:
        counts_scenarios = f.scenarios > 1 and f.name != "make defects"
        rate = f"{f.scenarios / f.median:.1f}" if counts_scenarios else ""
        runs = ", ".join(f"{s:.1f}" for s in f.seconds)
        cpu = f"{statistics.median(f.cpu):.1f} s"
        target = targets.get(f.name, "")
        rows.append((f.name, f"{f.median:.1f} s", runs, cpu, str(f.scenarios), rate, target))
    lines = _columns(rows)
    ratios = []
    if "serial" in by and "-n 2" in by:
        speedup = _ratio(by["serial"], by["-n 2"])
        ratios.append(f"speed-up of -n 2 over serial: {speedup}; target ≥ 1.7")
    if "serial" in by and "-n auto" in by:
        speedup = _ratio(by["serial"], by["-n auto"])
        ratios.append(f"speed-up of -n auto over serial: {speedup}")
    if "-n 2" in by and "-n 2 --alluredir" in by:
        slower = _ratio(by["-n 2 --alluredir"], by["-n 2"])
        ratios.append(f"-n 2 with --alluredir takes {slower} as long; target ≤ 1.10")
    if "make defects" in by and by["make defects"].scenarios:
        f = by["make defects"]
        each = f.median / f.scenarios
        ratios.append(
            f"make defects: {each:.2f} s per defect, against 1.66 s before (53 s for 32 "
            f"defects): {53 / 32 / each:.1f}× as fast per defect (target ≥ 2)"
        )
    footer = [
        "Ratios: the median of the ratios of runs made in the same turn. Turns far apart say the",
        "machine's speed changed during the bench: run it again before trusting that ratio.",
        f"{cores} cores; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        "(other work on the machine makes every figure slower).",
        "CPU: user and system time of the suite's own processes and of the embedded servers "
        "they start (median), which other work on the machine changes far less than the "
        "wall-clock time.",
    ]
    return "\n".join([*lines, "", *ratios, *([""] if ratios else []), *footer])


def time_split(splits: list[dict[str, float]]) -> str:
    """How a serial run's time divides (the median, should there be several runs)."""

    def median(key) -> float:
        return statistics.median(key(s) for s in splits)

    wall = median(lambda s: s["wall"])
    parts = [
        ("waiting for the service's answers", median(lambda s: s["service"])),
        (
            "the suite's own work (checks, evidence, cleanup)",
            median(lambda s: s["tests"] - s["service"] - s["start"] - s["stop"]),
        ),
        (
            "starting and stopping the embedded servers and service",
            median(lambda s: s["start"] + s["stop"]),
        ),
        (
            "pytest's own start (interpreter, imports, collection)",
            median(lambda s: s["wall"] - s["tests"]),
        ),
    ]
    rows = [("where a serial run's time goes", "seconds", "share")]
    rows += [(name, f"{secs:.1f}", f"{100 * secs / wall:.0f}%") for name, secs in parts]
    rows.append(("whole run", f"{wall:.1f}", "100%"))
    return "\n".join(_columns(rows))


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


if __name__ == "__main__":
    sys.exit(main())
