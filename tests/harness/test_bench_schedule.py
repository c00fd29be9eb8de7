"""`make bench` runs the figures it compares in turns, and compares runs of the same turn."""

from __future__ import annotations

from support.proof.bench import Figure, paired, schedule


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
