"""Webhooks out, inside the service: endpoint safety, the retry schedule, signing, operator
access and their settings (no database needed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from service.core.db import StartupError
from service.core.deployment import DeploymentPolicy
from service.core.errors import ApiError
from service.core.settings import ConfigurationError, Settings
from service.domain.operators import Operators
from service.domain.webhooks import Webhooks
from service.providers.merchant_endpoints import MerchantEndpoints, new_secret
from service.stores.webhooks import DueDelivery

GOOD = {
    "DATABASE_URL": "postgresql://owner@localhost/merchant",
    "REDIS_URL": "redis://localhost:6379/0",
    "JWT_SECRET": "x" * 32,
}


def webhooks(test_domain: str = "") -> Webhooks:
    return Webhooks(store=None, endpoints=MerchantEndpoints(), test_domain=test_domain)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hooks",
        "ftp://93.184.216.34/hooks",
        "https:///no-host",
        "https://localhost/hooks",
        "https://127.0.0.1/hooks",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://10.1.2.3/hooks",
        "https://172.16.0.1/hooks",
        "https://192.168.0.1/hooks",
        "https://169.254.169.254/latest",
        "https://100.64.0.1/hooks",
        "https://0.0.0.0/hooks",
        "https://224.0.0.1/hooks",
        "https://shop.webhooks.test/hooks",  # the exception is off unless switched on
        "https://no-such-host.invalid/hooks",
    ],
)
def test_unsafe_endpoints_are_refused(url: str) -> None:
    with pytest.raises(ApiError) as refused:
        webhooks()._check_endpoint(url)
    assert refused.value.status == 400


def test_public_addresses_and_the_switched_on_test_domain_are_accepted() -> None:
    webhooks()._check_endpoint("https://93.184.216.34/hooks")
    webhooks("webhooks.test")._check_endpoint("https://shop.webhooks.test/hooks")
    with pytest.raises(ApiError):  # only names under it, not look-alikes
        webhooks("webhooks.test")._check_endpoint("https://webhooks.test.evil.example/hooks")


def test_retries_double_from_one_minute_then_stop_after_the_sixth_attempt() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    delays = [webhooks()._next_attempt(now, attempts) for attempts in range(1, 7)]
    assert delays[:5] == [now + timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert delays[5] is None


def test_signatures_verify_with_the_standard_webhooks_package() -> None:
    secret = new_secret()
    sent_at = datetime.now(UTC)
    body = '{"type":"wallet.topped_up"}'
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": MerchantEndpoints()._signature(secret, "msg_1", sent_at, body),
    }
    assert Webhook(secret).verify(body, headers) == {"type": "wallet.topped_up"}
    assert secret.startswith("whsec_") and new_secret() != secret


@pytest.mark.parametrize("presented", [None, "", "wrong-token-" + "x" * 30])
def test_operator_calls_need_the_operator_token(presented: str | None) -> None:
    with pytest.raises(ApiError):
        Operators("t" * 40).authenticate(presented)
    Operators("t" * 40).authenticate("t" * 40)
    with pytest.raises(ApiError):  # none configured: nobody is an operator
        Operators("").authenticate("")


def test_webhook_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            **GOOD,
            "OPERATOR_TOKEN": "o" * 32,
            "WEBHOOK_WORKER_INTERVAL_SECONDS": "5",
            "WEBHOOKS_TEST_DOMAIN": "Hooks.TEST",
        }
    )
    assert settings.operator_token == "o" * 32
    assert settings.webhook_worker_interval_seconds == 5
    assert settings.webhooks_test_domain == "hooks.test"
    assert "o" * 32 not in repr(settings)
    for wrong in (
        {"OPERATOR_TOKEN": "short"},
        {"WEBHOOK_WORKER_INTERVAL_SECONDS": "-1"},
        {"WEBHOOK_WORKER_INTERVAL_SECONDS": "often"},
        {"WEBHOOKS_TEST_DOMAIN": "internal.corp"},
    ):
        with pytest.raises(ConfigurationError) as refused:
            Settings.from_env({**GOOD, **wrong})
        assert str(refused.value).endswith(".")


@pytest.mark.parametrize("deployment", ["production", "test"])
def test_the_test_domain_is_refused_outside_a_test_deployment(deployment: str) -> None:
    env = {**GOOD, "APP_DATABASE_PASSWORD": "p" * 20, "DEPLOYMENT": deployment}
    DeploymentPolicy(Settings.from_env(env)).check()  # without it, either deployment starts
    policy = DeploymentPolicy(Settings.from_env({**env, "WEBHOOKS_TEST_DOMAIN": "webhooks.test"}))
    if deployment == "test":
        policy.check()
        return
    with pytest.raises(StartupError) as refused:
        policy.check()
    assert "WEBHOOKS_TEST_DOMAIN" in str(refused.value) and "\n" not in str(refused.value)


class _NeverPosting(MerchantEndpoints):
    def post(self, url: str, message_id: str, body: str, secret: str):
        raise AssertionError("posted to an address that now leads inside")


class _Recording:
    def __init__(self) -> None:
        self.recorded: list[tuple] = []

    def record_attempt(self, due, now, status_code, answer, next_at, delivered) -> None:
        self.recorded.append((status_code, answer, next_at, delivered))


def test_an_address_that_now_leads_inside_is_not_posted_to_and_is_retried() -> None:
    store = _Recording()
    service = Webhooks(store, _NeverPosting())  # type: ignore[arg-type]
    service._addresses = lambda host: ["10.0.0.7"]  # type: ignore[method-assign]
    due = DueDelivery(None, uuid.uuid4(), uuid.uuid4(), 0, "https://shop.example/hooks", "s", "{}")  # type: ignore[arg-type]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert service._attempt(due, now) == "retrying"
    status_code, answer, next_at, delivered = store.recorded[0]
    assert (status_code, next_at, delivered) == (None, now + timedelta(minutes=1), False)
    assert answer.startswith("not sent:")
