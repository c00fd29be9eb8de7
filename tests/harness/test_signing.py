"""The suite's provider events verify with the official stripe library; tampered ones do not."""

import time

import pytest
import stripe

from support.providers.signing import payment_intent_event, sign

SECRET = "whsec_suite_test_secret_0123456789"


def succeeded_event(**overrides):
    intent = {"id": "pi_123", "object": "payment_intent", "amount": 2000, "currency": "gbp"}
    return payment_intent_event("payment_intent.succeeded", intent, **overrides)


def test_a_signed_event_verifies_with_the_official_library():
    signed = sign(succeeded_event(), SECRET)
    event = stripe.Webhook.construct_event(signed.payload, signed.header, SECRET)
    assert event["type"] == "payment_intent.succeeded"
    assert event["data"]["object"]["amount"] == 2000


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: (s.payload.replace(b"2000", b"9000"), s.header),
        lambda s: (s.payload, s.header.replace("v1=", "v1=0")),
        lambda s: (s.payload, ""),
    ],
    ids=["changed amount", "changed signature", "no signature"],
)
def test_a_tampered_event_is_refused_by_the_official_library(tamper):
    payload, header = tamper(sign(succeeded_event(), SECRET))
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, SECRET)


def test_a_wrong_secret_and_a_stale_timestamp_are_refused():
    with pytest.raises(stripe.SignatureVerificationError):
        signed = sign(succeeded_event(), "whsec_some_other_secret_000")
        stripe.Webhook.construct_event(signed.payload, signed.header, SECRET)
    stale = sign(succeeded_event(), SECRET, timestamp=int(time.time()) - 301)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale.payload, stale.header, SECRET)


def test_the_event_never_shows_its_signature_in_the_report():
    signed = sign(succeeded_event(event_id="evt_1"), SECRET)
    assert repr(signed) == "<payment_intent.succeeded event evt_1>"
