"""The payment provider's fake, in its real API's shapes (payment intents, refunds)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests
import responses

from support.providers.fakes import ProviderCall, ProviderFakes, form_of

API = "https://api.stripe.com"
PAYMENT_INTENTS = f"{API}/v1/payment_intents"


def payment_intent(amount: int, currency: str, metadata: dict[str, str], status: str) -> dict:
    intent_id = f"pi_{uuid.uuid4().hex[:24]}"
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": currency,
        "status": status,
        "client_secret": f"{intent_id}_secret_{uuid.uuid4().hex[:24]}",
        "created": int(time.time()),
        "livemode": False,
        "metadata": metadata,
        "payment_method_types": ["card"],
    }


def _metadata(form: dict[str, str]) -> dict[str, str]:
    return {key[9:-1]: value for key, value in form.items() if key.startswith("metadata[")}


class PaymentProviderFake:
    """Programmed by intent: it accepts intents, declines the card, is down, or times out."""

    def __init__(self, fakes: ProviderFakes) -> None:
        self._fakes = fakes
        self.created: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return "<payment provider fake>"

    def accepts_payment_intents(self, status: str = "requires_payment_method") -> None:
        def create(request: requests.PreparedRequest) -> tuple[int, dict, str]:
            form = form_of(request)
            intent = payment_intent(
                int(form.get("amount", 0)), form.get("currency", ""), _metadata(form), status
            )
            self.created.append(intent)
            return 200, {"Request-Id": f"req_{uuid.uuid4().hex[:14]}"}, json.dumps(intent)

        self._fakes.mock.add_callback(
            responses.POST, PAYMENT_INTENTS, callback=create, content_type="application/json"
        )

    def declines_the_card(self) -> None:
        error = {
            "error": {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": "generic_decline",
                "message": "Your card was declined.",
            }
        }
        self._fakes.mock.add(responses.POST, PAYMENT_INTENTS, json=error, status=402)

    def is_down(self) -> None:
        error = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
        self._fakes.mock.add(responses.POST, PAYMENT_INTENTS, json=error, status=500)

    def times_out(self) -> None:
        self._fakes.mock.add(
            responses.POST,
            PAYMENT_INTENTS,
            body=requests.exceptions.ReadTimeout("the payment provider did not answer in time"),
        )

    def intent_requests(self) -> list[ProviderCall]:
        return [
            c
            for c in self._fakes.attach("Calls to the payment provider", API)
            if c.url == PAYMENT_INTENTS
        ]

    def expect_asked_once_for(self, amount: int, idempotency_key: str | None = None) -> None:
        """The provider was asked for exactly this amount in pence, once (with this key)."""
        calls = self.intent_requests()
        if len(calls) != 1:
            raise AssertionError(
                f"Expected the payment provider to be asked for a payment once, but it was asked "
                f"{len(calls)} times."
            )
        call = calls[0]
        asked = call.form.get("amount")
        if asked != str(amount) or call.form.get("currency") != "gbp":
            raise AssertionError(
                f"Expected the payment provider to be asked for exactly {amount} pence, but it "
                f"was asked for {asked} {call.form.get('currency')}."
            )
        sent_key = call.headers.get("Idempotency-Key")
        if idempotency_key is not None and sent_key != idempotency_key:
            raise AssertionError(
                f"Expected the payment request to carry the top-up's idempotency key "
                f"{idempotency_key!r}, but it carried {sent_key!r}."
            )
