"""The payment provider fake answers the official SDK as the provider would, and is strict."""

import re

import pytest
import requests
import stripe

from support.providers.fakes import ProviderFakes
from support.providers.payments import PaymentProviderFake


@pytest.fixture
def fakes():
    fakes = ProviderFakes()
    fakes.start()
    yield fakes
    fakes.stop()


def client() -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_suite_only_123456", http_client=stripe.RequestsClient())


def test_an_intent_is_created_in_the_providers_shape_and_the_call_is_recorded(fakes):
    provider = PaymentProviderFake(fakes)
    provider.accepts_payment_intents()
    intent = client().v1.payment_intents.create(
        params={"amount": 2000, "currency": "gbp", "metadata": {"top_up": "t1"}},
        options={"idempotency_key": "top-up-t1"},
    )
    assert intent.id.startswith("pi_") and intent.amount == 2000
    assert intent.metadata["top_up"] == "t1" and intent.status == "requires_payment_method"
    provider.expect_asked_once_for(2000, idempotency_key="top-up-t1")
    with pytest.raises(AssertionError, match="exactly 1500 pence"):
        provider.expect_asked_once_for(1500)
    with pytest.raises(AssertionError, match="idempotency key 'other'"):
        provider.expect_asked_once_for(2000, idempotency_key="other")


def test_a_declined_card_reaches_the_sdk_as_a_card_error(fakes):
    PaymentProviderFake(fakes).declines_the_card()
    with pytest.raises(stripe.CardError):
        client().v1.payment_intents.create(params={"amount": 500, "currency": "gbp"})


def test_an_unplanned_call_is_named_after_the_scenario(fakes):
    with pytest.raises(requests.ConnectionError):
        requests.get("https://api.telephony.example/v1/numbers", timeout=1)
    with pytest.raises(AssertionError, match=re.escape("GET https://api.telephony.example/v1/")):
        fakes.expect_nothing_unplanned()
