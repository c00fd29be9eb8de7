"""The payment provider's fake, in its real API's shapes (payment intents, refunds)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import requests
import responses

from support.providers.fakes import ProviderCall, ProviderFakes, form_of

API = "https://api.stripe.com"
PAYMENT_INTENTS = f"{API}/v1/payment_intents"
REFUNDS = f"{API}/v1/refunds"
# How long a held payment waits for the scenario to answer it before the fake gives up (so that a
# scenario failing half-way never leaves the service's request waiting for ever).
HOLD_LIMIT_SECONDS = 15.0


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


DECLINED = {
    "error": {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "generic_decline",
        "message": "Your card was declined.",
    }
}
DOWN = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
REFUND_REFUSED = {
    "error": {
        "type": "invalid_request_error",
        "code": "charge_disputed",
        "message": "This charge is disputed, so it cannot be refunded.",
    }
}


def refund_object(amount: int, intent_id: str, metadata: dict[str, str]) -> dict:
    return {
        "id": f"re_{uuid.uuid4().hex[:24]}",
        "object": "refund",
        "amount": amount,
        "currency": "gbp",
        "payment_intent": intent_id,
        "status": "succeeded",
        "created": int(time.time()),
        "metadata": metadata,
    }


class PaymentProviderFake:
    """Programmed by intent: it accepts intents, declines the card, is down, or times out.

    One answer is planned at a time (the latest plan wins); until something is planned, a call
    to the provider is unplanned and fails the scenario.
    """

    def __init__(self, fakes: ProviderFakes) -> None:
        self._fakes = fakes
        self._plan: str | None = None
        self._status = "requires_payment_method"
        self._confirmed_status = "succeeded"
        self._by_key: dict[str, dict[str, Any]] = {}
        self.created: list[dict[str, Any]] = []
        self._asked = threading.Event()
        self._answer_now = threading.Event()
        self._refund_plan: str | None = None

    def __repr__(self) -> str:
        return "<payment provider fake>"

    def _planned(self, plan: str) -> None:
        if self._plan is None:
            self._fakes.mock.add_callback(
                responses.POST, PAYMENT_INTENTS, callback=self._answer, content_type=None
            )
        self._plan = plan

    @property
    def planned(self) -> bool:
        return self._plan is not None

    def accepts_payment_intents(self, status: str = "requires_payment_method") -> None:
        """Creates intents; like the real provider, a repeated idempotency key gets the same
        intent back instead of a new one."""
        self._status = status
        self._planned("accept")

    def leaves_card_payments_processing(self) -> None:
        """An order's card payment, confirmed at creation, comes back still processing: the
        provider's own event says later how it ended."""
        self._confirmed_status = "processing"
        self._planned("accept")

    def answers_card_payments_as(self, status: str) -> None:
        """An order's card payment, confirmed at creation, comes back with this status (one
        that is neither paid nor processing)."""
        self._confirmed_status = status
        self._planned("accept")

    def answers_new_payments_at_once(self) -> None:
        """A payment already held stays held (and ends as planned for it); payments asked for
        from now on go through at once."""
        self._plan = "accept"
        self._confirmed_status = "succeeded"

    def declines_the_card(self) -> None:
        self._planned("decline")

    def is_down(self) -> None:
        """Every call fails with a server error: payments and refunds alike."""
        self._planned("down")
        self._refund_planned("down")

    def holds_payments(self) -> None:
        """Takes its time: a payment waits, unanswered, until `answer_held` says how it ends
        (so that a scenario can look at the platform while a payment is under way)."""
        self._answer_now.clear()
        self._planned("hold")

    def await_payment_request(self, within: float = 10.0) -> None:
        if not self._asked.wait(within):
            raise AssertionError(
                f"Expected the platform to ask the payment provider for a payment within "
                f"{within:g} seconds, but it did not."
            )

    def answer_held(self, outcome: str) -> None:
        """Ends the held payment: "accept" (paid) or "decline"."""
        self._plan = outcome
        self._answer_now.set()

    def accepts_refunds(self) -> None:
        self._refund_planned("accept")

    def refuses_refunds(self) -> None:
        self._refund_planned("refuse")

    def _refund_planned(self, plan: str) -> None:
        if self._refund_plan is None:
            self._fakes.mock.add_callback(
                responses.POST, REFUNDS, callback=self._refund_answer, content_type=None
            )
        self._refund_plan = plan

    def _refund_answer(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        headers = {"Request-Id": f"req_{uuid.uuid4().hex[:14]}", "Content-Type": "application/json"}
        if self._refund_plan == "refuse":
            return 400, headers, json.dumps(REFUND_REFUSED)
        if self._refund_plan == "down":
            return 500, headers, json.dumps(DOWN)
        if self._refund_plan == "time out":
            raise requests.exceptions.ReadTimeout("the payment provider did not answer in time")
        form = form_of(request)
        refund = refund_object(
            int(form.get("amount", 0)), form.get("payment_intent", ""), _metadata(form)
        )
        return 200, headers, json.dumps(refund)

    def times_out(self) -> None:
        """No call is answered in time: payments and refunds alike."""
        self._planned("time out")
        self._refund_planned("time out")

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        headers = {"Request-Id": f"req_{uuid.uuid4().hex[:14]}", "Content-Type": "application/json"}
        form = form_of(request)
        key = request.headers.get("Idempotency-Key")
        if self._plan == "hold":
            # The provider has made the intent (its events may already be on their way); only
            # its answer to the platform waits.
            self._intent(form, key)
        self._asked.set()
        if self._plan == "hold" and not self._answer_now.wait(HOLD_LIMIT_SECONDS):
            return 500, headers, json.dumps(DOWN)
        if self._plan == "decline":
            return 402, headers, json.dumps(DECLINED)
        if self._plan == "down":
            return 500, headers, json.dumps(DOWN)
        if self._plan == "time out":
            raise requests.exceptions.ReadTimeout("the payment provider did not answer in time")
        return 200, headers, json.dumps(self._intent(form, key))

    def _intent(self, form: dict[str, str], key: str | None) -> dict[str, Any]:
        """The intent for this request: like the real provider, a repeated idempotency key
        gets the same intent back instead of a new one."""
        intent = self._by_key.get(key) if key else None
        if intent is None:
            # An intent confirmed at creation (an order's) is paid at once, or processing when
            # the scenario says so; others wait for the customer's browser, with the status the
            # scenario planned.
            status = self._confirmed_status if form.get("confirm") == "true" else self._status
            intent = payment_intent(
                int(form.get("amount", 0)), form.get("currency", ""), _metadata(form), status
            )
            self.created.append(intent)
            if key:
                self._by_key[key] = intent
        return intent

    def intent_of_order(self, order_id: str) -> dict[str, Any]:
        """The intent the platform created to pay one of its orders (found by its metadata)."""
        return self._intent_naming("order_id", order_id, f"to charge the order {order_id}")

    def intent_for(self, top_up_id: str) -> dict[str, Any]:
        """The intent the platform created for one of its top-ups (found by its metadata)."""
        return self._intent_naming("top_up_id", top_up_id, f"for the top-up {top_up_id}")

    def _intent_naming(self, field: str, value: str, asked: str) -> dict[str, Any]:
        for intent in self.created:
            if intent["metadata"].get(field) == value:
                return intent
        raise AssertionError(
            f"Expected the platform to have asked the payment provider {asked}, but the "
            f"provider holds no payment for it."
        )

    def expect_no_payment_requests(self) -> None:
        asked = self.intent_requests()
        if asked:
            raise AssertionError(
                f"Expected the payment provider not to be asked for a payment, but it was asked "
                f"{len(asked)} time(s)."
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

    def refund_requests(self) -> list[ProviderCall]:
        return [
            c for c in self._fakes.attach("Calls to the payment provider", API) if c.url == REFUNDS
        ]
