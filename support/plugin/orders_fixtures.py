"""Fixtures for orders and refunds: their drivers, and removing each merchant's Redis keys."""

from __future__ import annotations

import pytest

from support.checks.orders import MERCHANT_KEYS
from support.clients.api import ApiClient
from support.clients.cache import Cache
from support.drivers.orders import OrdersDriver
from support.drivers.refunds import RefundsDriver
from support.target.cleanup import Cleanup


@pytest.fixture
def orders(
    api: ApiClient, cache: Cache, cleanup: Cleanup, request: pytest.FixtureRequest
) -> OrdersDriver:
    """Every merchant that orders leaves reservations and idempotency keys in Redis, outside the
    cascade that removes its rows: the scenario removes them when it ends."""
    seen: set[str] = set()

    def forget_keys_when_done(organisation_id: str) -> None:
        if organisation_id in seen:
            return
        seen.add(organisation_id)
        pattern = MERCHANT_KEYS.format(org=organisation_id)
        cleanup.add(
            f"forget the order keys of merchant {organisation_id}",
            lambda: cache.forget_matching(pattern),
        )

    return OrdersDriver(
        api,
        on_merchant=forget_keys_when_done,
        payments=lambda: request.getfixturevalue("payment_provider"),
        events=lambda: request.getfixturevalue("payment_events"),
    )


@pytest.fixture
def refunds(api: ApiClient, orders: OrdersDriver) -> RefundsDriver:
    return RefundsDriver(api, orders)
