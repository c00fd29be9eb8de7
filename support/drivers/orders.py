"""Orders driver: products and their stock, the merchant's order settings, and orders placed by
the merchant's shop (each request with its idempotency key), one at a time, at once, or left
under way while the scenario looks at the platform."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.drivers.accounts import Account
from support.drivers.base import insist
from support.drivers.wallet import PaymentEventsDriver, failed, succeeded, timed
from support.providers.payments import PaymentProviderFake, payment_intent
from support.providers.signing import payment_intent_event
from support.report.shown import ShownAs

# The payment provider's test card, as its browser library hands it to the shop.
TEST_CARD = "pm_card_visa"
# How long a scenario waits for an order left under way to be answered.
ANSWER_WITHIN_SECONDS = 20.0
_LINE = re.compile(r'(\d+) of "([^"]+)"')


# Keys a shop may ask for an order by, other than one it used.
LOOKED_UP_KEYS: dict[str, Callable[[], str]] = {
    "a key it never used": lambda: f"order-{uuid.uuid4()}",
    "a key of 201 characters": lambda: "k" * 201,
    "a key with a space in it": lambda: f"order {uuid.uuid4()}",
}


# Payments that are none of the platform's orders, by the metadata the provider sends with them.
PAYMENTS_OF_NO_ORDER: dict[str, Callable[[], dict[str, str]]] = {
    "that is no order's": dict,
    "naming an order that does not exist": lambda: {
        "order_id": str(uuid.uuid4()),
        "org_id": str(uuid.uuid4()),
    },
}

# A payment's metadata naming orders otherwise than the platform wrote it, from (order id,
# organisation id) of the merchant's order and of the other merchant's.
Named = tuple[str, str]
MISNAMED_ORDERS: dict[str, Callable[[Named, Named], dict[str, str]]] = {
    "the other merchant's order as the merchant's": lambda mine, theirs: {
        "order_id": theirs[0],
        "org_id": mine[1],
    },
    "the merchant's order as the other merchant's": lambda mine, theirs: {
        "order_id": mine[0],
        "org_id": theirs[1],
    },
    "the merchant's order and no merchant": lambda mine, theirs: {"order_id": mine[0]},
    "the merchant and no order": lambda mine, theirs: {"org_id": mine[1]},
    "the merchant's order and a garbled merchant": lambda mine, theirs: {
        "order_id": mine[0],
        "org_id": "org_1",
    },
    "a garbled order, as the merchant's": lambda mine, theirs: {
        "order_id": f"{mine[0]}x",
        "org_id": mine[1],
    },
}


@dataclass(frozen=True)
class OrderRequest:
    """What the shop sends: a basket (SKU, quantity per line) and its idempotency key."""

    key: str
    items: tuple[tuple[str, int], ...]

    def body(self) -> dict[str, Any]:
        lines = [{"sku": sku, "quantity": quantity} for sku, quantity in self.items]
        return {"items": lines, "payment_method": TEST_CARD}

    def with_items(self, items: list[tuple[str, int]]) -> OrderRequest:
        """The same key with another basket."""
        return replace(self, items=tuple(items))


@dataclass(frozen=True)
class Placed:
    """An order request the shop sent, and what the platform answered each time it was sent
    (nothing yet while it is under way: `pending` then waits for the answer)."""

    request: OrderRequest
    answers: tuple[httpx.Response, ...] = ()
    pending: Callable[[], httpx.Response] | None = field(default=None, repr=False)
    # When the shop first sent it (time.monotonic()): nothing the order made, such as a
    # reservation, is older, so what has passed since bounds how much of its life is spent.
    sent_at: float = field(default_factory=time.monotonic, repr=False)

    def __repr__(self) -> str:
        return f"<order request {self.request.key}>"

    @property
    def latest(self) -> httpx.Response:
        if not self.answers:
            raise AssertionError("The order request has not been answered yet.")
        return self.answers[-1]

    def answered(self, response: httpx.Response) -> Placed:
        return replace(self, answers=(*self.answers, response))


def basket(text: str) -> list[tuple[str, int]]:
    """`2 of "MUG-01" and 3 of "TEA-02"`, as a product owner writes it, as (SKU, quantity)."""
    lines = [(sku, int(quantity)) for quantity, sku in _LINE.findall(text)]
    if not lines:
        raise KeyError(f'No basket in {text!r}; write it as: 2 of "MUG-01" and 1 of "TEA-02".')
    return lines


# Order requests the shop should never send: (body, whether it carries an idempotency key).
FLAWED_ORDERS: dict[str, tuple[dict[str, Any], bool]] = {
    "without an idempotency key": (OrderRequest("", (("MUG-01", 1),)).body(), False),
    "for 0 of a product": (OrderRequest("", (("MUG-01", 0),)).body(), True),
    "for 1001 of a product": (OrderRequest("", (("MUG-01", 1001),)).body(), True),
    "naming 51 products": (
        OrderRequest("", tuple((f"P-{n:02d}", 1) for n in range(1, 52))).body(),
        True,
    ),
    "naming a product twice": (OrderRequest("", (("MUG-01", 1), ("MUG-01", 1))).body(), True),
    "with no items": (OrderRequest("", ()).body(), True),
    "without a card": ({"items": [{"sku": "MUG-01", "quantity": 1}]}, True),
    "for a product the merchant does not sell": (OrderRequest("", (("NOPE-9", 1),)).body(), True),
}


class OrdersDriver(ShownAs):
    shown_as = "orders driver"

    def __init__(
        self,
        api: ApiClient,
        on_merchant: Callable[[str], None],
        payments: Callable[[], PaymentProviderFake] | None = None,
        events: Callable[[], PaymentEventsDriver] | None = None,
    ) -> None:
        self._api = api
        # Told of every merchant that orders, so that the run can remove its keys afterwards.
        self._on_merchant = on_merchant
        # The payment provider's fake and its events, made only when a scenario needs them.
        self._payments = payments
        self._events = events

    # -- products ------------------------------------------------------------------------

    def try_add_product(
        self, account: Account, sku: str, price: Any, stock: Any, name: str | None = None
    ) -> httpx.Response:
        # An empty name is a name to send (and be refused), not "no name given".
        name = f"Product {sku}" if name is None else name
        body = {"sku": sku, "name": name, "price_pence": price, "stock": stock}
        return self._api.request("POST", paths.PRODUCTS, token=account.token, json=body)

    def add_product(self, account: Account, sku: str, price: int, stock: int) -> dict[str, Any]:
        response = self.try_add_product(account, sku, price, stock)
        return insist(response, 201, f"add the product {sku}")

    def try_restock(self, account: Account, sku: str, quantity: Any) -> httpx.Response:
        return self._api.request(
            "POST", paths.product_restock(sku), token=account.token, json={"quantity": quantity}
        )

    def restock(self, account: Account, sku: str, quantity: int) -> dict[str, Any]:
        return insist(self.try_restock(account, sku, quantity), 200, f"restock {sku}")

    def products(self, account: Account) -> dict[str, dict[str, Any]]:
        response = self._api.request("GET", paths.PRODUCTS, token=account.token)
        listed = insist(response, 200, "list the merchant's products")["products"]
        return {product["sku"]: product for product in listed}

    def try_set_reservation_window(self, account: Account, seconds: int) -> httpx.Response:
        body = {"reservation_ttl_seconds": seconds}
        return self._api.request("PUT", paths.ORDER_SETTINGS, token=account.token, json=body)

    def set_reservation_window(self, account: Account, seconds: int) -> None:
        response = self.try_set_reservation_window(account, seconds)
        insist(response, 200, f"hold stock for orders for {seconds} seconds")

    # -- orders --------------------------------------------------------------------------

    def _send(self, account: Account, request: OrderRequest) -> httpx.Response:
        self._on_merchant(account.organisation_id)
        return self._api.request(
            "POST",
            paths.ORDERS,
            token=account.token,
            json=request.body(),
            headers={"Idempotency-Key": request.key},
        )

    def try_place(
        self, account: Account, items: list[tuple[str, int]], key_length: int | None = None
    ) -> Placed:
        """A new order request (with a fresh idempotency key, of `key_length` characters when
        given), sent once."""
        key = f"order-{uuid.uuid4()}"
        if key_length is not None:
            key = (key + "-" + "k" * key_length)[:key_length]
        request = OrderRequest(key, tuple(items))
        return Placed(request).answered(self._send(account, request))

    def place(
        self, account: Account, items: list[tuple[str, int]], key_length: int | None = None
    ) -> Placed:
        placed = self.try_place(account, items, key_length)
        insist(placed.latest, 201, "take the customer's order")
        return placed

    def place_refused(self, account: Account, items: list[tuple[str, int]]) -> Placed:
        """An order the platform is expected to refuse (the scenario planned why)."""
        placed = self.try_place(account, items)
        if placed.latest.status_code < 400:
            raise AssertionError("Expected the platform to refuse the order, but it took it.")
        return placed

    def send_again(self, account: Account, placed: Placed, items=None) -> Placed:
        """The same request sent again (with the same key), or the same key with `items`."""
        request = placed.request if items is None else placed.request.with_items(items)
        return placed.answered(self._send(account, request))

    def try_send_again(self, account: Account, placed: Placed) -> httpx.Response:
        """The same request sent again (with the same key), its answer kept apart from the
        first request's (which may still be under way)."""
        return self._send(account, placed.request)

    def try_tell_unanswered(
        self, account: Account, placed: Placed, arrivals: str, named: dict[str, str] | None = None
    ) -> httpx.Response:
        """The provider's words on a payment the order does not know, of the order's total
        (one the provider never answered for, its answer lost; or a second payment besides the
        order's own), delivered in the order written
        ("succeeded", "failed", or each at its time: "failed at 10:00, succeeded at 10:01");
        the answer to the last. The payment names the order as the platform wrote it, or as
        `named` says."""
        order = self.order_by_key(account, placed.request.key)
        if named is None:
            named = {"order_id": order["id"], "org_id": account.organisation_id}
        intent = payment_intent(order["total_pence"], "gbp", named, "processing")
        timings = (
            [(arrivals, None)]
            if arrivals in ("succeeded", "failed")
            else timed(arrivals, "succeeded|failed", "provider outcome")
        )
        events = self._provider_events()
        answers = [
            events.try_deliver(events.signed(self._outcome_event(intent, what, created)))
            for what, created in timings
        ]
        return answers[-1]

    def try_tell_unanswered_misnamed(
        self, account: Account, placed: Placed, other: Account, other_placed: Placed, which: str
    ) -> httpx.Response:
        """The provider's word that a payment the order does not know succeeded, its metadata
        naming the orders of `account` and `other` otherwise than the platform wrote it: one of
        the namings a product owner names (see MISNAMED_ORDERS)."""
        if which not in MISNAMED_ORDERS:
            known = ", ".join(MISNAMED_ORDERS)
            raise KeyError(f"No naming of an order {which!r}; known: {known}.")
        mine = (self.order_by_key(account, placed.request.key)["id"], account.organisation_id)
        theirs = (self.order_by_key(other, other_placed.request.key)["id"], other.organisation_id)
        return self.try_tell_unanswered(
            account, placed, "succeeded", MISNAMED_ORDERS[which](mine, theirs)
        )

    def try_send_flawed(self, account: Account, flaw: str) -> httpx.Response:
        """An order request with one of the flaws a product owner names (see FLAWED_ORDERS)."""
        if flaw not in FLAWED_ORDERS:
            raise KeyError(f"No order flaw {flaw!r}; known: {', '.join(FLAWED_ORDERS)}.")
        body, with_key = FLAWED_ORDERS[flaw]
        headers = {"Idempotency-Key": f"order-{uuid.uuid4()}"} if with_key else {}
        self._on_merchant(account.organisation_id)
        return self._api.request(
            "POST", paths.ORDERS, token=account.token, json=body, headers=headers
        )

    def place_under_way(self, account: Account, items: list[tuple[str, int]]) -> Placed:
        """Sends the order and returns while the platform is still handling it."""
        self._on_merchant(account.organisation_id)
        request = OrderRequest(f"order-{uuid.uuid4()}", tuple(items))
        answer = self._api.request_later(
            "POST",
            paths.ORDERS,
            token=account.token,
            json=request.body(),
            headers={"Idempotency-Key": request.key},
        )
        return Placed(request, pending=lambda: answer(ANSWER_WITHIN_SECONDS))

    def place_while_one_is_held(
        self, payments: PaymentProviderFake, account: Account, items: list[tuple[str, int]]
    ) -> Placed:
        """Another customer's order, paid at once while the payment under way stays held."""
        payments.answers_new_payments_at_once()
        return self.place(account, items)

    @staticmethod
    def answer_of(placed: Placed) -> Placed:
        """Waits for the platform's answer to an order under way."""
        if placed.pending is None:
            raise AssertionError("No order is under way in this scenario.")
        return placed.answered(placed.pending())

    def place_at_once(
        self, account: Account, items: list[tuple[str, int]], count: int
    ) -> list[httpx.Response]:
        """`count` customers' orders (each with its own key) released at the same instant."""
        self._on_merchant(account.organisation_id)
        requests = [OrderRequest(f"order-{uuid.uuid4()}", tuple(items)) for _ in range(count)]
        return self._api.request_together(
            "POST",
            paths.ORDERS,
            count,
            token=account.token,
            bodies=[request.body() for request in requests],
            headers_each=[{"Idempotency-Key": request.key} for request in requests],
        )

    def try_order_by_key(self, account: Account, key: str) -> httpx.Response:
        params = {"idempotency_key": key}
        return self._api.request("GET", paths.ORDERS, token=account.token, params=params)

    def try_find_by_key(
        self, account: Account, which: str, placed: Placed | None
    ) -> httpx.Response:
        """Asks for an order by one of the keys a product owner names (see LOOKED_UP_KEYS), or
        by the key of the order `placed` ("the key of that order")."""
        if which == "the key of that order" and placed is not None:
            return self.try_order_by_key(account, placed.request.key)
        if which not in LOOKED_UP_KEYS:
            raise KeyError(f"No looked-up key {which!r}; known: {', '.join(LOOKED_UP_KEYS)}.")
        return self.try_order_by_key(account, LOOKED_UP_KEYS[which]())

    def order_by_key(self, account: Account, key: str) -> dict[str, Any]:
        return insist(self.try_order_by_key(account, key), 200, "find the order by its key")

    # -- the payment provider's word on an order's payment ------------------------------

    def tell_early(self, account: Account, placed: Placed, outcome: str) -> httpx.Response:
        """The provider's event on the payment of an order still being placed (its answer to
        the platform held back), delivered once; `tell_again` delivers it again."""
        order_id = self.order_by_key(account, placed.request.key)["id"]
        event = self._outcome_event(self._provider().intent_of_order(order_id), outcome, None)
        return self._provider_events().try_deliver(self._provider_events().signed(event))

    def _latest_sent(self):
        """The provider's latest delivered event on an order's payment."""
        events = self._provider_events()
        if not events.delivered:
            raise AssertionError("The payment provider has sent no event.")
        return events.delivered[-1]

    def tell_again(self) -> None:
        """The provider sends its latest event again (same id, same signature)."""
        self._provider_events().deliver(self._latest_sent())

    def tell_again_anew(self) -> None:
        """The provider says its latest word again in a new event (a new id, signed anew): the
        same news about the same payment, which no memory of event ids recognises."""
        event = {**self._latest_sent().event, "id": f"evt_{uuid.uuid4().hex[:24]}"}
        self._provider_events().deliver(self._provider_events().signed(event))

    def message_ids(self) -> list[str]:
        """The ids of the provider's events delivered so far, each once, oldest first."""
        return list(dict.fromkeys(sent.event["id"] for sent in self._provider_events().delivered))

    def last_message_id(self) -> str:
        """The id of the provider's latest event on an order's payment."""
        return self._latest_sent().event["id"]

    def last_payment_id(self) -> str:
        """The id of the payment the provider's latest event on an order's payment is about."""
        return self.last_payment_ids(1)[0]

    def last_payment_ids(self, count: int) -> list[str]:
        """The ids of the payments the provider's latest `count` events are about, oldest
        first."""
        events = self._provider_events()
        if len(events.delivered) < count:
            raise AssertionError(f"The payment provider has sent fewer than {count} events.")
        return [sent.event["data"]["object"]["id"] for sent in events.delivered[-count:]]

    def _provider(self) -> PaymentProviderFake:
        if self._payments is None:
            raise AssertionError("This orders driver cannot speak for the payment provider.")
        return self._payments()

    def _provider_events(self) -> PaymentEventsDriver:
        if self._events is None:
            raise AssertionError("This orders driver cannot speak for the payment provider.")
        return self._events()

    @staticmethod
    def _outcome_event(intent: dict[str, Any], outcome: str, created: int | None) -> dict:
        if outcome == "succeeded":
            return payment_intent_event(
                "payment_intent.succeeded", succeeded(intent), created=created
            )
        return payment_intent_event(
            "payment_intent.payment_failed", failed(intent), created=created
        )

    def try_tell_success_of_no_order(self, which: str) -> httpx.Response:
        """The provider's word that a payment succeeded which is none of the platform's orders
        (nor top-ups): one of the payments a product owner names (see PAYMENTS_OF_NO_ORDER)."""
        if which not in PAYMENTS_OF_NO_ORDER:
            known = ", ".join(PAYMENTS_OF_NO_ORDER)
            raise KeyError(f"No payment of no order {which!r}; known: {known}.")
        intent = payment_intent(999, "gbp", PAYMENTS_OF_NO_ORDER[which](), "succeeded")
        events = self._provider_events()
        return events.try_deliver(
            events.signed(payment_intent_event("payment_intent.succeeded", intent))
        )

    def tell_success_otherwise(self, placed: Placed, amount: int, currency: str) -> None:
        """The provider's word that the order's payment succeeded, for `amount` in `currency`
        (other than what the order asked for)."""
        order_id = insist(placed.latest, 201, "take the customer's order")["id"]
        intent = {**succeeded(self._provider().intent_of_order(order_id))}
        intent.update(amount_received=amount, currency=currency)
        events = self._provider_events()
        events.deliver(events.signed(payment_intent_event("payment_intent.succeeded", intent)))

    def tell_outcomes(self, placed: Placed, arrivals: str, naming_the_order: bool = True) -> None:
        """The provider's events on the order's payment, delivered in the order written, each
        created at its own time ("failed at 10:00, succeeded at 10:01"; "succeeded now");
        without the metadata that names the order when `naming_the_order` is false."""
        order_id = insist(placed.latest, 201, "take the customer's order")["id"]
        intent = self._provider().intent_of_order(order_id)
        if not naming_the_order:
            intent = {**intent, "metadata": {}}
        timings = (
            [(arrivals.removesuffix(" now"), None)]
            if arrivals.endswith(" now")
            else timed(arrivals, "succeeded|failed", "provider outcome")
        )
        events = self._provider_events()
        for what, created in timings:
            events.deliver(events.signed(self._outcome_event(intent, what, created)))
