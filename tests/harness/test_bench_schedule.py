"""`make bench` runs the figures it compares in turns, and compares runs of the same turn."""

from __future__ import annotations

import sys

import pytest

from support.proof.bench import Figure, figures, paired, run, schedule, split_figure, table
from support.proof.catalogues import ROOT


def test_compared_figures_run_in_turns_after_one_uncounted_round() -> None:
    serial, two, cold = Figure("serial", [], 2), Figure("-n 2", [], 2), Figure("cold", [], 2)
    order = [(f.name, attempt) for f, attempt in schedule([serial, two, cold])]
    assert order == [
        ("serial", 0),
        ("-n 2", 0),
        ("serial", 1),
        ("-n 2", 1),
        ("serial", 2),
        ("-n 2", 2),
        ("cold", 1),
        ("cold", 2),
    ]


def test_a_ratio_compares_runs_of_the_same_turn() -> None:
    # The machine slowed down between turns, and the last turn's slower run met a busy moment.
    slower = Figure("-n 2 --alluredir", [], 3, seconds=[15.0, 33.0, 60.0])
    faster = Figure("-n 2", [], 3, seconds=[10.0, 22.0, 20.0])
    assert paired(slower, faster) == 1.5
    assert slower.median / faster.median == 1.65  # what comparing the figures' medians gave


def test_the_table_shows_each_turns_ratio_beside_the_median() -> None:
    """One noisy turn can carry a three-turn median: the reader sees every turn's ratio."""
    figures = [
        Figure("serial", [], 3, seconds=[42.5, 36.7, 27.5], cpu=[1.0] * 3),
        Figure("-n 2", [], 3, seconds=[24.3, 20.6, 19.1], cpu=[1.0] * 3),
        Figure("-n 2 --alluredir", [], 3, seconds=[23.4, 20.3, 24.5], cpu=[1.0] * 3),
    ]
    shown = table(figures, 2, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0))
    assert "speed-up of -n 2 over serial: 1.75× (turns: 1.75, 1.78, 1.44); target ≥ 1.7" in shown
    assert "--alluredir takes 0.99× (turns: 0.96, 0.99, 1.28) as long; target ≤ 1.10" in shown


def test_the_compared_serial_runs_are_plain_and_the_time_split_runs_once_apart(tmp_path) -> None:
    """The plugin that times each request and fixture slows the run it measures: it is kept out
    of the serial figure that -n 2 is compared with, and runs once, after, for the split."""
    chosen = [f for f in figures(3, tmp_path) if f.name in ("serial", "-n 2")]
    serial = chosen[0]
    assert "support.proof.bench_plugin" not in serial.command
    split = split_figure(chosen)
    assert split is not None and split not in chosen and split.repeats == 1
    assert split.command == [*serial.command, "-p", "support.proof.bench_plugin"]
    assert split_figure([f for f in chosen if f.name != "serial"]) is None


def test_a_figure_that_fails_keeps_its_whole_output() -> None:
    """A defect run's verdict for an escaped defect is far above its last lines: all is kept."""
    lines = "; ".join(f"print('line {i}')" for i in range(40))
    figure = Figure("a failing figure, for a test", [sys.executable, "-c", f"{lines}; exit(3)"], 1)
    kept = ROOT / ".run" / "bench-failed-a-failing-figure-for-a-test.log"
    try:
        with pytest.raises(SystemExit) as stopped:
            run(figure, ROOT / ".run" / "no-split.json")
        message = str(stopped.value)
        assert "failed (exit 3)" in message and str(kept.relative_to(ROOT)) in message
        assert "line 39" in message and "line 0\n" not in message  # the last lines shown
        assert kept.read_text().splitlines() == [f"line {i}" for i in range(40)]
    finally:
        kept.unlink(missing_ok=True)
