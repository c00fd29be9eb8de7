"""Wallet driver: balance and summary, ledger pages, spending, top-ups, the phone number, and
the payment provider's events (built and signed by the suite, posted like the provider does)."""

from __future__ import annotations

import copy
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.drivers.accounts import Account
from support.drivers.base import insist
from support.providers.payments import PaymentProviderFake
from support.providers.signing import (
    SignedEvent,
    payment_intent_event,
    sign,
    sign_with_provider_library,
    signature_header,
)
from support.report.shown import ShownAs

LEFT_OUT = object()
# How a confirmation may differ from the provider's usual one: the field and its value instead.
# Creation times are seconds since 1970: the platform holds from the first second of 1970 to
# the last of the year 9999. The reference is the event's id; what happened is its type.
CONFIRMATION_CHANGES = {
    "without a creation time": ("created", LEFT_OUT),
    "created a second before 1970": ("created", -1),
    "created a second after the year 9999": ("created", 253_402_300_800),
    "with its creation time written as text": ("created", "1767225600"),
    "created at the first second of 1970": ("created", 0),
    "created at the last second of the year 9999": ("created", 253_402_300_799),
    "without a reference": ("id", LEFT_OUT),
    "with an empty reference": ("id", ""),
    "with a number as its reference": ("id", 1234),
    "without saying what happened": ("type", LEFT_OUT),
}


# The currencies a refund or dispute may come in instead of pounds, as a product owner names them.
REVERSAL_CURRENCIES = {"in euros": "eur", "in US dollars": "usd"}


@dataclass(frozen=True)
class TopUp:
    id: str
    amount_pence: int
    intent: dict[str, Any]

    def __repr__(self) -> str:
        return f"<top-up of {self.amount_pence}p>"

    @property
    def idempotency_key(self) -> str:
        """The key the platform promises to send the provider for this top-up (its contract)."""
        return f"top-up-{self.id}"


class PaymentEventsDriver(ShownAs):
    """Posts provider events to the platform, signed with the webhook secret it was given."""

    shown_as = "payment provider's events"

    def __init__(
        self, api: ApiClient, secret: str | None, on_delivery: Callable[[str], None]
    ) -> None:
        self._api = api
        self._secret = secret
        self._on_delivery = on_delivery  # so the run can forget the events it made up
        self.delivered: list[SignedEvent] = []

    def signed(
        self,
        event: dict[str, Any],
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> SignedEvent:
        """Signed as the provider signs (with the platform's secret, now) unless overridden."""
        return sign(event, secret or self._known_secret(), timestamp=timestamp)

    def _known_secret(self) -> str:
        if not self._secret:
            raise AssertionError("This target's webhook signing secret is not known to the suite.")
        return self._secret

    @staticmethod
    def tampered(delivery: SignedEvent, **intent_changes: Any) -> SignedEvent:
        """The same signature over content someone changed on the way."""
        event = copy.deepcopy(delivery.event)
        event["data"]["object"].update(intent_changes)
        payload = json.dumps(event, separators=(",", ":")).encode()
        return SignedEvent(event, payload, delivery.header)

    def unhandled_kind(self) -> SignedEvent:
        customer = {"id": f"cus_{uuid.uuid4().hex[:14]}", "object": "customer", "email": None}
        event = payment_intent_event("customer.created", customer)
        return self.signed(event)

    def try_deliver_flawed(self, event: dict[str, Any], flaw: str) -> httpx.Response:
        """Delivers the event with one of the flaws a product owner names (see FLAWS)."""
        if flaw == "without a signature":
            return self.try_deliver(self.signed(event), with_signature=False)
        if flaw == "signed with the wrong secret":
            delivery = self.signed(event, secret="whsec_not_the_platforms_secret_0123456789")
        elif match := re.fullmatch(
            r"signed (\d+) minutes(?: and (\d+) seconds)? (ago|ahead)", flaw
        ):
            shift = (int(match[1]) * 60 + int(match[2] or 0)) * (-1 if match[3] == "ago" else 1)
            delivery = self.signed(event, timestamp=int(time.time()) + shift)
        elif flaw == "with a malformed signature":
            delivery = SignedEvent(event, self.signed(event).payload, "t=yesterday,v1=;;")
        elif flaw == "whose content was changed after signing":
            amount = event["data"]["object"]["amount_received"]
            delivery = self.tampered(self.signed(event), amount_received=amount * 2)
        else:
            raise KeyError(f"No event flaw called {flaw!r}.")
        return self.try_deliver(delivery)

    def signed_by_provider_library(self, event: dict[str, Any]) -> SignedEvent:
        return sign_with_provider_library(event, self._known_secret())

    def unreadable(self) -> SignedEvent:
        """Properly signed, but not an event at all: not even readable."""
        payload = b"{this is not readable"
        header = signature_header(payload, self._known_secret(), int(time.time()))
        return SignedEvent({"id": f"evt_{uuid.uuid4().hex[:24]}", "type": "?"}, payload, header)

    def try_deliver(
        self, delivery: SignedEvent, with_signature: bool = True, to: ApiClient | None = None
    ) -> httpx.Response:
        """Posts the event to the platform (or to another deployment of it, `to`)."""
        event_id = delivery.event.get("id")
        if isinstance(event_id, str) and event_id:  # an event without one leaves nothing to undo
            self._on_delivery(event_id)
        self.delivered.append(delivery)
        headers = {"Content-Type": "application/json"}
        if with_signature:
            headers["Stripe-Signature"] = delivery.header
        return (to or self._api).request(
            "POST", paths.PAYMENT_EVENTS, content=delivery.payload, headers=headers
        )

    def deliver(self, delivery: SignedEvent) -> None:
        insist(self.try_deliver(delivery), 200, f"acknowledge the {delivery.event['type']} event")


def keyed(key: str | bytes | None) -> dict[str, str | bytes] | None:
    """The header a client sends so that repeating the request moves money once."""
    return {"Idempotency-Key": key} if key is not None else None


# The currency the payment provider names for an amount written in these units.
CURRENCY_OF_UNIT = {"pence": "gbp", "euro cents": "eur", "US cents": "usd"}


def succeeded(intent: dict[str, Any]) -> dict[str, Any]:
    """The provider's intent once the card was charged in full."""
    paid = copy.deepcopy(intent)
    paid.update(status="succeeded", amount_received=intent["amount"])
    return paid


def timed(arrivals: str, what: str, named: str) -> list[tuple[str, int]]:
    """ "<what> at HH:MM, ..." as (what, creation time), the times of an hour ago on one clock
    (10:00 is an hour ago)."""
    hour_ago = int(time.time()) - 3600
    found = []
    for arrival in arrivals.split(", "):
        match = re.fullmatch(rf"({what}) at (\d\d):(\d\d)", arrival)
        if match is None:
            raise KeyError(f"No {named} written as {arrival!r}.")
        found.append((match[1], hour_ago + (int(match[2]) - 10) * 3600 + int(match[3]) * 60))
    return found


def _charge_id(intent: dict[str, Any]) -> str:
    """The id of the charge the provider made for a payment intent (one per intent here)."""
    return "ch_" + intent["id"].removeprefix("pi_")


def failed(intent: dict[str, Any]) -> dict[str, Any]:
    declined = copy.deepcopy(intent)
    declined.update(
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "message": "Your card was declined."},
    )
    return declined


class WalletDriver(ShownAs):
    shown_as = "wallet driver"

    def __init__(
        self,
        api: ApiClient,
        payments: Callable[[], PaymentProviderFake],
        events: PaymentEventsDriver,
    ) -> None:
        self._api = api
        self._payments = payments  # the fake, programmed only when a scenario needs it
        self.events = events
        self._numbers_service: ApiClient | None = None
        self._top_ups_service: ApiClient | None = None

    def buy_numbers_through(self, service: ApiClient) -> None:
        """Send phone number requests to another deployment of the platform."""
        self._numbers_service = service

    def top_up_through(self, service: ApiClient) -> None:
        """Send top-up requests to another deployment of the platform."""
        self._top_ups_service = service

    # -- balance, summary, ledger --------------------------------------------------------

    def try_wallet(self, account: Account) -> httpx.Response:
        return self._api.request("GET", paths.WALLET, token=account.token)

    def wallet(self, account: Account) -> dict[str, int]:
        return insist(self.try_wallet(account), 200, "show the wallet")

    def balance(self, account: Account) -> int:
        return self.wallet(account)["balance_pence"]

    def try_ledger_page(self, account: Account, limit: Any, offset: Any) -> httpx.Response:
        params = {"limit": limit, "offset": offset}
        return self._api.request("GET", paths.WALLET_LEDGER, token=account.token, params=params)

    def ledger_page(self, account: Account, limit: int, offset: int) -> dict[str, Any]:
        return insist(self.try_ledger_page(account, limit, offset), 200, "show the ledger")

    def ledger_in_pages(self, account: Account, size: int, most: int = 50) -> list[list[dict]]:
        """Every page of `size` entries, read in turn until an empty one."""
        pages = []
        for page in range(most):
            entries = self.ledger_page(account, size, page * size)["entries"]
            if not entries:
                break
            pages.append(entries)
        return pages

    # -- spending ------------------------------------------------------------------------

    def try_spend(
        self,
        account: Account,
        amount: Any,
        description: str,
        key: str | bytes | None = None,
        extra: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """`extra` members are sent beside the ones the request takes (as an attacker would)."""
        body = {"amount_pence": amount, "description": description, **(extra or {})}
        return self._api.request(
            "POST", paths.WALLET_CHARGES, token=account.token, json=body, headers=keyed(key)
        )

    def spend(self, account: Account, amount: int, description: str) -> int:
        answer = insist(self.try_spend(account, amount, description), 201, f"take {amount}p")
        return answer["balance_pence"]

    def spend_keyed(
        self, account: Account, amount: int, key: str, written_another_way: bool = False
    ) -> httpx.Response:
        """A charge with the client's idempotency key; `written_another_way` sends the same
        values in another order and spacing, as another client library would."""
        if not written_another_way:
            response = self.try_spend(account, amount, "Call minutes", key)
        else:
            content = f'{{ "description" : "Call minutes",  "amount_pence" : {amount} }}'
            headers = {"Content-Type": "application/json", **keyed(key)}
            response = self._api.request(
                "POST", paths.WALLET_CHARGES, token=account.token, content=content, headers=headers
            )
        insist(response, 201, f"take {amount}p with the key {key!r}")
        return response

    def spend_at_once(
        self, account: Account, amounts: list[int], description: str, key: str | bytes | None = None
    ) -> list[httpx.Response]:
        bodies = [{"amount_pence": amount, "description": description} for amount in amounts]
        return self._api.request_together(
            "POST",
            paths.WALLET_CHARGES,
            len(bodies),
            token=account.token,
            bodies=bodies,
            headers=keyed(key),
        )

    # -- top-ups -------------------------------------------------------------------------

    def try_top_up(
        self,
        account: Account,
        amount: Any,
        key: str | bytes | None = None,
        extra: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """`extra` members are sent beside the ones the request takes (as an attacker would)."""
        body = {"amount_pence": amount, **(extra or {})}
        return (self._top_ups_service or self._api).request(
            "POST", paths.WALLET_TOP_UPS, token=account.token, json=body, headers=keyed(key)
        )

    def top_up_under_way(
        self, account: Account, amount: int, key: str, within: float = 20.0
    ) -> Callable[[], httpx.Response]:
        """Sends the top-up and returns while the platform is still handling it; the returned
        function waits for its answer."""
        answer = self._api.request_later(
            "POST",
            paths.WALLET_TOP_UPS,
            token=account.token,
            json={"amount_pence": amount},
            headers=keyed(key),
        )
        return lambda: answer(within)

    def top_up(
        self,
        account: Account,
        amount: int,
        key: str | bytes | None = None,
        extra: dict[str, Any] | None = None,
    ) -> TopUp:
        answer = insist(
            self.try_top_up(account, amount, key, extra), 201, f"start a top-up of {amount}p"
        )
        return TopUp(
            answer["id"], answer["amount_pence"], self._payments().intent_for(answer["id"])
        )

    def payment_succeeded(
        self, top_up: TopUp, created: int | None = None, **differences: Any
    ) -> SignedEvent:
        """The provider's confirmation, created at `created` (now if not given);
        `differences` (amount_received, currency) make it confirm something other than what
        was asked."""
        intent = {**succeeded(top_up.intent), **differences}
        event = payment_intent_event("payment_intent.succeeded", intent, created=created)
        return self.events.signed(event)

    def payment_succeeded_otherwise(self, top_up: TopUp, how: str) -> SignedEvent:
        """The provider's confirmation with one field changed or left out
        (`CONFIRMATION_CHANGES`), properly signed."""
        event = dict(self.payment_succeeded(top_up).event)
        field, value = CONFIRMATION_CHANGES[how]
        event.pop(field)
        if value is not LEFT_OUT:
            event[field] = value
        return self.events.signed(event)

    def try_top_up_state(self, account: Account, top_up: TopUp) -> httpx.Response:
        return self.try_top_up_state_by_id(account, top_up.id)

    def try_top_up_state_by_id(self, account: Account, top_up_id: str) -> httpx.Response:
        return self._api.request("GET", paths.wallet_top_up(top_up_id), token=account.token)

    def top_up_state(self, account: Account, top_up: TopUp) -> dict[str, Any]:
        return insist(self.try_top_up_state(account, top_up), 200, "show the top-up")

    def payment_failed(self, top_up: TopUp, created: int | None = None) -> SignedEvent:
        intent = failed(top_up.intent)
        event = payment_intent_event("payment_intent.payment_failed", intent, created=created)
        return self.events.signed(event)

    def payment_refunded(
        self,
        top_up: TopUp,
        refunded: int | None = None,
        created: int | None = None,
        currency: str | None = None,
    ) -> SignedEvent:
        """The provider's `charge.refunded`: `refunded` is the running total of the charge's
        refunds (all of it if not given), as the provider reports it."""
        intent = top_up.intent
        total = intent["amount"] if refunded is None else refunded
        charge = {
            "id": _charge_id(intent),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": total,
            "currency": currency or intent["currency"],
            "payment_intent": intent["id"],
            "refunded": total == intent["amount"],
            "status": "succeeded",
        }
        event = payment_intent_event("charge.refunded", charge, created=created)
        return self.events.signed(event)

    def payment_disputed(
        self, top_up: TopUp, amount: int | None = None, currency: str | None = None
    ) -> SignedEvent:
        """The provider's `charge.dispute.created`: the customer's bank disputes `amount`
        (all of the payment if not given)."""
        intent = top_up.intent
        dispute = {
            "id": f"dp_{uuid.uuid4().hex[:24]}",
            "object": "dispute",
            "amount": intent["amount"] if amount is None else amount,
            "charge": _charge_id(intent),
            "currency": currency or intent["currency"],
            "payment_intent": intent["id"],
            "reason": "fraudulent",
            "status": "needs_response",
        }
        return self.events.signed(payment_intent_event("charge.dispute.created", dispute))

    def deliver_reversal(self, top_up: TopUp, how: str, difference: str | None) -> SignedEvent:
        """Delivers the provider's refund or dispute of the top-up's payment ("refunded" or
        "disputed"), whole or differing from it as a product owner writes it: "in euros",
        "in US dollars", "for 2001 credits" or "for 2000 credits written as text"."""
        changes: dict[str, Any] = {}
        if difference in REVERSAL_CURRENCIES:
            changes["currency"] = REVERSAL_CURRENCIES[difference]
        elif difference:
            amount = difference.split()[1]
            as_sent = amount if difference.endswith("written as text") else int(amount)
            changes["refunded" if how == "refunded" else "amount"] = as_sent
        build = self.payment_refunded if how == "refunded" else self.payment_disputed
        delivery = build(top_up, **changes)
        self.events.deliver(delivery)
        return delivery

    def deliver_refunds(self, top_up: TopUp, arrivals: str) -> None:
        """Delivers refunds in the order written, each a running total created at its own time,
        e.g. "2000 at 10:01, 500 at 10:00"."""
        for total, created in timed(arrivals, r"\d+", "refund"):
            self.events.deliver(self.payment_refunded(top_up, int(total), created))

    def deliver_outcomes(self, top_up: TopUp, arrivals: str) -> None:
        """Delivers the provider's outcomes in the order written, each created at its own time,
        e.g. "failed at 10:00, succeeded at 10:01"."""
        for what, created in timed(arrivals, "succeeded|failed", "provider outcome"):
            outcome = self.payment_succeeded if what == "succeeded" else self.payment_failed
            self.events.deliver(outcome(top_up, created))

    def fund(self, account: Account, amount: int) -> TopUp:
        """The real path: the merchant tops up, the provider takes the card payment and tells
        the platform with its signed event; then the wallet must show the money."""
        if not self._payments().planned:
            self._payments().accepts_payment_intents()
        before = self.balance(account)
        top_up = self.top_up(account, amount)
        self.events.deliver(self.payment_succeeded(top_up))
        after = self.balance(account)
        if after != before + amount:
            raise AssertionError(
                f"Expected a paid top-up of {amount}p to bring the wallet from {before}p to "
                f"{before + amount}p, but it shows {after}p."
            )
        return top_up

    # -- the dedicated phone number ------------------------------------------------------

    def _numbers_api(self) -> ApiClient:
        return self._numbers_service or self._api

    def try_provision_number(
        self, account: Account, key: str | bytes | None = None
    ) -> httpx.Response:
        return self._numbers_api().request(
            "POST", paths.ONBOARDING_PROVISION_NUMBER, token=account.token, headers=keyed(key)
        )

    def provision_number_keyed(self, account: Account, key: str) -> httpx.Response:
        response = self.try_provision_number(account, key)
        insist(response, 200, f"provide a phone number with the key {key!r}")
        return response

    def provision_number(self, account: Account) -> str:
        answer = insist(self.try_provision_number(account), 200, "provide a phone number")
        return answer["phone_number"]

    def provision_numbers_for_all_at_once(self, accounts: list[Account]) -> list[httpx.Response]:
        """Each merchant asks for its number, all at the same instant."""
        return self._numbers_api().request_together(
            "POST",
            paths.ONBOARDING_PROVISION_NUMBER,
            len(accounts),
            tokens=[account.token for account in accounts],
        )

    def provision_numbers_at_once(self, account: Account, count: int) -> list[httpx.Response]:
        return self._numbers_api().request_together(
            "POST", paths.ONBOARDING_PROVISION_NUMBER, count, token=account.token
        )
