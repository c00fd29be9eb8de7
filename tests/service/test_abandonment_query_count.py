"""The nudge job's queries grow with batches, not merchants (counted by PostgreSQL's own log),
and this check catches a job that looks merchants up one by one (the catalogued defect
`per_merchant_queries`, which `make defects` proves caught by the first test here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.abandonment import Bench
from service.defects.abandonment import PerMerchantQueries
from service.defects.base import make_faulty

BATCH = 500


@pytest.fixture(scope="module")
def bench(run_state) -> Iterator[Bench]:
    # The run's defects too: `make defects` runs the first test below with the catalogued
    # `per_merchant_queries` switched on (catalogue/defects.toml, caught_by_tests).
    started = Bench.start(batch_size=BATCH, defects=run_state.defects)
    yield started
    started.stop()


def queries(bench: Bench, *counts: int) -> list[int]:
    return [bench.measure(count).queries for count in counts]


def test_queries_grow_with_batches_not_merchants(bench: Bench) -> None:
    none, half, one, two = queries(bench, 0, BATCH // 2, BATCH, 2 * BATCH)
    assert one > none, f"no statement of a batch was counted ({none} and {one}): is it logged?"
    assert half == one, f"one batch of {BATCH // 2} and of {BATCH} merchants: {half} vs {one}"
    assert two - one == one - none, f"batch 1 took {one - none} queries, batch 2 {two - one}"


def test_the_check_catches_per_merchant_queries(bench: Bench) -> None:
    """Within `make test` too: the catalogued defect adds one query per merchant."""
    store = bench.platform.abandonment.store
    healthy = type(store)
    make_faulty(store, PerMerchantQueries)
    try:
        half, one = queries(bench, BATCH // 2, BATCH)
    finally:
        store.__class__ = healthy
    assert one - half == BATCH // 2, (half, one)
