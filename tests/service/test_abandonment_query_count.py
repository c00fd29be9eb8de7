"""The nudge job's queries grow with batches, not merchants (counted by PostgreSQL's own log),
and this check catches a job that looks merchants up one by one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bench.abandonment import Bench
from service.defects.base import make_faulty
from service.stores.abandonment import AbandonmentStore, Candidate

BATCH = 500


class PerMerchantLookups(AbandonmentStore):
    """The N+1 mistake: the batch's owners' addresses fetched one query per merchant."""

    def candidates(
        self, after: uuid.UUID | None, scope: list[uuid.UUID] | None, limit: int
    ) -> list[Candidate]:
        found = super().candidates(after, scope, limit)
        with self.db.owner() as conn:
            for candidate in found:
                conn.execute("select email from users where org_id = %s", (candidate.org_id,))
        return found


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    started = Bench.start(batch_size=BATCH)
    yield started
    started.stop()


def queries(bench: Bench, *counts: int) -> list[int]:
    return [bench.measure(count).queries for count in counts]


def test_queries_grow_with_batches_not_merchants(bench: Bench) -> None:
    none, half, one, two = queries(bench, 0, BATCH // 2, BATCH, 2 * BATCH)
    assert half == one, f"one batch of {BATCH // 2} and of {BATCH} merchants: {half} vs {one}"
    assert two - one == one - none, f"batch 1 took {one - none} queries, batch 2 {two - one}"


def test_the_check_catches_per_merchant_queries(bench: Bench) -> None:
    store = bench.platform.abandonment.store
    healthy = type(store)
    make_faulty(store, PerMerchantLookups)
    try:
        half, one = queries(bench, BATCH // 2, BATCH)
    finally:
        store.__class__ = healthy
    assert one - half == BATCH // 2, (half, one)
