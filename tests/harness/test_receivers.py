"""Merchants' faked receivers answer as planned (a timeout only when the caller would not wait
that long), and the provider library's own signer makes events the platform's verifier takes."""

from datetime import UTC, datetime

import pytest
import requests
import stripe
from standardwebhooks.webhooks import Webhook

from support.checks.webhooks import expect_every_delivery_verifies
from support.providers.fakes import ProviderFakes
from support.providers.receivers import MerchantReceivers
from support.providers.signing import payment_intent_event, sign_with_provider_library

SECRET = "whsec_suite_test_secret_0123456789"
SHOWN_WEBHOOK_SECRET = "whsec_c2VjcmV0LXNob3duLXRvLXRoZS1tZXJjaGFudA=="
OTHER_WEBHOOK_SECRET = "whsec_YW5vdGhlci1zZWNyZXQtYWx0b2dldGhlcg=="


@pytest.fixture
def receivers():
    fakes = ProviderFakes()
    fakes.start()
    yield MerchantReceivers(fakes)
    fakes.stop()


def test_a_receiver_answers_as_planned_in_order(receivers):
    receiver = receivers.of("merchant")
    receiver.fails_then_accepts(2)
    answers = [requests.post(receiver.url, data=b"{}", timeout=5).status_code for _ in range(4)]
    assert answers == [503, 503, 200, 200]
    assert [post.answered for post in receiver.received][:3] == [
        "503 unavailable",
        "503 unavailable",
        "200 accepted",
    ]


def test_a_slow_receiver_times_out_only_for_a_caller_that_waits_less(receivers):
    receiver = receivers.of("merchant")
    receiver.answers_after(12)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(receiver.url, data=b"{}", timeout=10)
    assert requests.post(receiver.url, data=b"{}", timeout=15).status_code == 200


def test_a_receiver_can_refuse_connections_and_others_are_apart(receivers):
    receiver = receivers.of("merchant")
    receiver.refuses_connections()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(receiver.url, data=b"{}", timeout=5)
    assert receivers.of("other merchant").url != receiver.url
    assert receivers.of("merchant") is receiver


def test_an_event_signed_by_the_provider_library_verifies_over_its_own_bytes():
    intent = {"id": "pi_1", "object": "payment_intent", "amount": 2000, "currency": "gbp"}
    signed = sign_with_provider_library(
        payment_intent_event("payment_intent.succeeded", intent), SECRET
    )
    assert b"\n  " in signed.payload  # formatted as the provider formats, not compactly
    assert stripe.Webhook.construct_event(signed.payload, signed.header, SECRET)["id"]


def test_the_merchants_verifier_refuses_a_delivery_checked_with_another_secret(receivers):
    receiver = receivers.of("merchant")
    receiver.accepts()
    sent_at = datetime.now(UTC)
    body = '{"type":"wallet.topped_up"}'
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(OTHER_WEBHOOK_SECRET).sign("msg_1", sent_at, body),
    }
    requests.post(receiver.url, data=body, headers=headers, timeout=5)
    with pytest.raises(AssertionError, match="No matching signature"):
        expect_every_delivery_verifies(receiver, SHOWN_WEBHOOK_SECRET)
