"""Fixtures for webhooks both ways: the webhooks driver, the merchants' faked receivers, and
the platform's quick record of provider events."""

from __future__ import annotations

import pytest

from support.clients.api import ApiClient
from support.clients.cache import Cache
from support.drivers.webhooks import ProviderEventMemory, WebhooksDriver
from support.providers.fakes import ProviderFakes
from support.providers.receivers import MerchantReceivers
from support.target.run import LiveTarget


@pytest.fixture
def webhooks(api: ApiClient, target: LiveTarget) -> WebhooksDriver:
    return WebhooksDriver(api, target.operator_token)


@pytest.fixture
def receivers(providers: ProviderFakes) -> MerchantReceivers:
    return MerchantReceivers(providers)


@pytest.fixture
def provider_event_memory(cache: Cache) -> ProviderEventMemory:
    return ProviderEventMemory(cache)
