"""Fixtures for the security scenarios: other deployments beside the target, request limits."""

from __future__ import annotations

import pytest

from support.builders.data import Builders
from support.clients.api import ApiClient
from support.clients.cache import Cache
from support.clients.database import Database
from support.clients.sign_in_records import forget_sign_ups
from support.drivers.accounts import AccountsDriver
from support.drivers.deployments import DeploymentsDriver
from support.drivers.guessing import GuessingDriver
from support.drivers.limits import LimitsDriver
from support.drivers.sign_ups import SignUpsDriver
from support.target.cleanup import Cleanup
from support.target.run import Deployment, LiveTarget

# Another address of this machine's loopback network: the platform sees another client.
ELSEWHERE = "127.0.0.2"


@pytest.fixture
def deployments(target: LiveTarget, database: Database, cleanup: Cleanup) -> DeploymentsDriver:
    if not target.in_process:
        pytest.skip("Deploying the platform another way needs the service in-process.")
    # The scenario's own defects (`make defects` switches them on per scenario, not per run).
    return DeploymentsDriver(target, database, cleanup, target.defects)


@pytest.fixture
def limits(api: ApiClient) -> LimitsDriver:
    return LimitsDriver(api)


@pytest.fixture
def sign_ups(
    accounts: AccountsDriver, target: LiveTarget, cache: Cache, cleanup: Cleanup, build: Builders
) -> SignUpsDriver:
    """Sign-ups from places of their own, to a deployment allowing 3 an hour from one place."""
    if not target.in_process:
        pytest.skip("Other client addresses and another deployment need a local service.")
    url = target.second_deployment(Deployment.FEW_SIGN_UPS)

    def accounts_at(address: str) -> AccountsDriver:
        client = ApiClient(url, local_address=address)
        cleanup.add("close the client at another address", client.close)
        cleanup.add("forget that place's sign-ups", lambda: forget_sign_ups(cache, address))
        return accounts.through(client)

    return SignUpsDriver(accounts_at, build)


@pytest.fixture
def guessing(accounts: AccountsDriver, target: LiveTarget, cleanup: Cleanup) -> GuessingDriver:
    def elsewhere() -> AccountsDriver:
        if not target.in_process:
            pytest.skip("Another client address can be used only against a local service.")
        client = ApiClient(target.base_url, local_address=ELSEWHERE)
        cleanup.add("close the client at another address", client.close)
        return accounts.through(client)

    return GuessingDriver(accounts, elsewhere)
