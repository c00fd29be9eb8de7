"""The payment provider fake answers the official SDK as the provider would, and is strict."""

import re
import threading

import pytest
import requests
import stripe

from support.providers.fakes import ProviderFakes
from support.providers.payments import PaymentProviderFake
from support.providers.telephony import TelephonyProviderFake
from support.report.redaction import SECRETS
from support.target.credentials import ProviderCredentials


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


def test_a_planned_timeout_is_recorded_as_planned_not_as_unplanned(fakes):
    PaymentProviderFake(fakes).times_out()
    with pytest.raises(stripe.APIConnectionError):
        client().v1.payment_intents.create(params={"amount": 500, "currency": "gbp"})
    assert len(fakes.calls()) == 1 and fakes.unplanned() == []


def test_the_same_idempotency_key_gets_the_same_intent_back(fakes):
    provider = PaymentProviderFake(fakes)
    provider.accepts_payment_intents()
    params = {"amount": 700, "currency": "gbp"}
    first = client().v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    again = client().v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    other = client().v1.payment_intents.create(params=params, options={"idempotency_key": "k2"})
    assert first.id == again.id != other.id and len(provider.created) == 2


def test_the_telephony_fake_sells_uk_numbers_in_e164_and_can_fail(fakes):
    credentials = ProviderCredentials.new()
    telephony = TelephonyProviderFake(fakes, credentials)
    url = (
        f"{credentials.telephony_api_url}/Accounts/{credentials.telephony_account_sid}"
        "/IncomingPhoneNumbers.json"
    )
    telephony.sells_numbers()
    bought = requests.post(url, data={"IsoCountry": "GB"}, timeout=1).json()
    assert re.fullmatch(r"\+4477009\d{5}", bought["phone_number"]) and bought["sid"].startswith(
        "PN"
    )
    telephony.is_down()
    assert requests.post(url, data={}, timeout=1).status_code == 500
    telephony.times_out()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(url, data={}, timeout=1)
    telephony.expect_purchases(3)
    with pytest.raises(AssertionError, match="asked for 1 number"):
        telephony.expect_purchases(1)
    assert fakes.unplanned() == []


def test_provider_credentials_never_show_their_secrets():
    credentials = ProviderCredentials.new()
    shown = repr(credentials) + repr(credentials.without_telephony())
    for secret in (
        credentials.payments_api_key,
        credentials.payments_webhook_secret,
        credentials.telephony_auth_token,
    ):
        assert secret not in shown and secret in SECRETS.values()


def test_an_intent_confirmed_at_creation_is_paid_and_a_top_up_intent_still_waits(fakes):
    PaymentProviderFake(fakes).accepts_payment_intents()
    order = client().v1.payment_intents.create(
        params={"amount": 2500, "currency": "gbp", "confirm": True, "payment_method": "pm_x"}
    )
    top_up = client().v1.payment_intents.create(params={"amount": 2500, "currency": "gbp"})
    assert (order.status, order.amount_received) == ("succeeded", 2500)
    assert top_up.status == "requires_payment_method"


def test_a_held_payment_waits_until_the_scenario_answers_it(fakes):
    provider = PaymentProviderFake(fakes)
    provider.holds_payments()
    answers: list = []
    paying = threading.Thread(
        target=lambda: answers.append(
            client().v1.payment_intents.create(
                params={"amount": 100, "currency": "gbp", "confirm": True}
            )
        )
    )
    paying.start()
    provider.await_payment_request(within=5)
    assert not answers
    provider.answer_held("accept")
    paying.join(5)
    assert answers[0].status == "succeeded"


def test_refunds_are_made_or_refused_as_planned(fakes):
    provider = PaymentProviderFake(fakes)
    provider.accepts_refunds()
    refund = client().v1.refunds.create(
        params={"payment_intent": "pi_1", "amount": 1250}, options={"idempotency_key": "r1"}
    )
    assert (refund.amount, refund.payment_intent, refund.status) == (1250, "pi_1", "succeeded")
    provider.refuses_refunds()
    with pytest.raises(stripe.InvalidRequestError):
        client().v1.refunds.create(params={"payment_intent": "pi_1", "amount": 1})
    assert [c.form["amount"] for c in provider.refund_requests()] == ["1250", "1"]
