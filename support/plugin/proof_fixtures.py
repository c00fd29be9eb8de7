"""Fixtures for platform-wide scenarios: merchants who used every part of it, and crowds."""

from __future__ import annotations

import pytest

from support.builders.data import Builders
from support.clients.database import Database
from support.drivers.accounts import AccountsDriver
from support.drivers.onboarding import OnboardingDriver
from support.drivers.records import RecordChanges
from support.drivers.wallet import WalletDriver
from support.providers.telephony import TelephonyProviderFake
from support.scenario.cast import Cast
from support.scenario.everywhere import LaterCapabilities, MerchantsEverywhere


@pytest.fixture
def merchants_everywhere(
    cast: Cast,
    accounts: AccountsDriver,
    onboarding: OnboardingDriver,
    wallet: WalletDriver,
    telephony_provider: TelephonyProviderFake,
    build: Builders,
    request: pytest.FixtureRequest,
) -> MerchantsEverywhere:
    def later() -> LaterCapabilities:
        needed = ("orders", "refunds", "webhooks", "receivers", "abandonment")
        drivers = [request.getfixturevalue(name) for name in needed]
        fakes = [request.getfixturevalue(name) for name in ("payment_provider", "email_provider")]
        return LaterCapabilities(*drivers, *fakes)

    return MerchantsEverywhere(cast, accounts, onboarding, wallet, telephony_provider, build, later)


@pytest.fixture
def record_changes(database: Database) -> RecordChanges:
    return RecordChanges(database)
