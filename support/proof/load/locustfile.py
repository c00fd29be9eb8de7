"""Locust's merchants: sign up and in, top up and confirm by signed provider event (sometimes
delivered twice), spend, get the phone number, read the wallet and the ledger; sell one product,
take customers' orders (sometimes sent twice with the same key) and refund some of their units
(sometimes sent twice with the same key).

The run has two parts. First every merchant sets up (signs up and in, its first top-up, its
product, its first order and refund), all within a few seconds; then all of them work at once
for LOAD_SECONDS. The set-up's figures are written to LOAD_SET_UP and the statistics start again
for the second part, whose percentiles are the ones the latency target is about: a burst of
sign-ups at production hashing cost is not the steady work of 50 merchants.

Expected refusals (too little credit, out of stock) count as successes; a 5xx counts as a server
error, any other refusal as unexpected, and so does a repeated request answered with another
order or refund than the first. What each merchant was told it did (charges, paid orders,
refunds) is tallied for the consistency check (written to LOAD_TALLY when the run stops).
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid

import gevent
from locust import HttpUser, between, events, task

from support.clients import paths
from support.drivers.orders import TEST_CARD
from support.proof.load import LOAD_CHARGE, LOAD_PRICE, LOAD_SKU, LOAD_STOCK
from support.providers.signing import payment_intent_event, sign

ACCEPTED_CHARGES: dict[str, int] = {}
PAID_ORDERS: dict[str, dict[str, int]] = {}  # merchant -> order id -> units
REFUNDS: dict[str, dict[str, list]] = {}  # merchant -> refund id -> [order id, units]


def _judge(response, ok: tuple[int, ...]) -> None:
    if response.status_code in ok:
        response.success()
    elif response.status_code >= 500:
        response.failure(f"server error {response.status_code}")
    else:
        response.failure(f"unexpected {response.status_code}")


def _pause() -> tuple[float, float]:
    """The pause between one merchant's requests, in seconds (LOAD_PAUSE, "min,max")."""
    low, high = (float(part) for part in os.environ.get("LOAD_PAUSE", "0.5,1.5").split(","))
    return low, high


class Merchant(HttpUser):
    wait_time = between(*_pause())

    def on_start(self) -> None:
        try:
            self._set_up()
        finally:  # a merchant whose set-up failed is set up too: its failures are counted
            _merchant_set_up(self.environment)

    def _set_up(self) -> None:
        email = f"load-{uuid.uuid4().hex[:16]}@example.com"
        password = f"load-{uuid.uuid4().hex}"
        signed_up = self.client.post(
            paths.SIGN_UP, json={"email": email, "password": password}, name="sign-up"
        )
        self.organisation = signed_up.json()["organisation"]["id"]
        token = self.client.post(
            paths.LOG_IN, json={"email": email, "password": password}, name="sign-in"
        ).json()["access_token"]
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.has_number = False
        ACCEPTED_CHARGES.setdefault(self.organisation, 0)
        PAID_ORDERS.setdefault(self.organisation, {})
        REFUNDS.setdefault(self.organisation, {})
        self.refundable: dict[str, int] = {}  # paid order id -> units not yet refunded
        self.top_up_and_confirm(deliveries=2)  # every merchant's first payment arrives twice
        product = {"sku": LOAD_SKU, "name": "Load mug", "price_pence": LOAD_PRICE}
        with self.client.post(
            paths.PRODUCTS,
            json={**product, "stock": LOAD_STOCK},
            name="product",
            catch_response=True,
        ) as added:
            _judge(added, (201,))
        self.order(sends=2)  # and its first order and refund are each sent twice, same key
        self.refund(sends=2)

    @task(3)
    def top_up_and_confirm(self, deliveries: int | None = None) -> None:
        amount = random.randint(100, 5000)
        with self.client.post(
            paths.WALLET_TOP_UPS, json={"amount_pence": amount}, name="top-up", catch_response=True
        ) as started:
            _judge(started, (201,))
        if started.status_code != 201:
            return
        top_up = started.json()
        intent = {
            "id": top_up["client_secret"].split("_secret_")[0],
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": "gbp",
            "status": "succeeded",
            "metadata": {"top_up_id": top_up["id"], "org_id": self.organisation},
        }
        delivery = sign(payment_intent_event("payment_intent.succeeded", intent), SECRET)
        if deliveries is None:  # the provider retries, sometimes
            deliveries = 2 if random.random() < 0.3 else 1
        for _ in range(deliveries):
            with self.client.post(
                paths.PAYMENT_EVENTS,
                data=delivery.payload,
                headers={"Stripe-Signature": delivery.header, "Content-Type": "application/json"},
                name="payment event",
                catch_response=True,
            ) as answer:
                _judge(answer, (200,))

    @task(5)
    def charge(self) -> None:
        with self.client.post(
            paths.WALLET_CHARGES,
            json={"amount_pence": random.randint(1, 500), "description": LOAD_CHARGE},
            name="charge",
            catch_response=True,
        ) as answer:
            _judge(answer, (201, 402))
        if answer.status_code == 201:
            ACCEPTED_CHARGES[self.organisation] += 1

    @task(1)
    def phone_number(self) -> None:
        if self.has_number:
            return
        with self.client.post(
            paths.ONBOARDING_PROVISION_NUMBER, name="phone number", catch_response=True
        ) as answer:
            _judge(answer, (200, 402))
        self.has_number = answer.status_code == 200

    @task(2)
    def order(self, sends: int | None = None) -> None:
        """A customer's order of 1 to 3 units; the shop retries with the same key sometimes."""
        units = random.randint(1, 3)
        body = {"items": [{"sku": LOAD_SKU, "quantity": units}], "payment_method": TEST_CARD}
        key = f"load-order-{uuid.uuid4().hex}"
        paid = self._keyed(paths.ORDERS, body, key, "order", (201, 409), sends)
        if paid is not None:
            PAID_ORDERS[self.organisation][paid] = units
            self.refundable[paid] = units

    @task(1)
    def refund(self, sends: int | None = None) -> None:
        """One unit of a paid order back; the merchant retries with the same key sometimes."""
        left = [order for order, units in self.refundable.items() if units > 0]
        if not left:
            return
        order = random.choice(left)
        body = {"items": [{"sku": LOAD_SKU, "quantity": 1}]}
        key = f"load-refund-{uuid.uuid4().hex}"
        made = self._keyed(paths.order_refunds(order), body, key, "refund", (201,), sends)
        if made is not None:
            REFUNDS[self.organisation][made] = [order, 1]
            self.refundable[order] -= 1

    def _keyed(
        self, path: str, body: dict, key: str, name: str, ok: tuple[int, ...], sends: int | None
    ) -> str | None:
        """Sends the request once, or `sends` times with one key (by default twice one time in
        five); every 201 must name the same thing. Returns its id, or None if none was made."""
        if sends is None:
            sends = 2 if random.random() < 0.2 else 1
        made: set[str] = set()
        for _ in range(sends):
            with self.client.post(
                path, json=body, headers={"Idempotency-Key": key}, name=name, catch_response=True
            ) as answer:
                _judge(answer, ok)
                if answer.status_code == 201:
                    made.add(answer.json()["id"])
                    if len(made) > 1:
                        answer.failure(f"the same {name} sent again made another: {sorted(made)}")
        return next(iter(made)) if len(made) == 1 else None

    @task(4)
    def ledger(self) -> None:
        with self.client.get(
            paths.WALLET_LEDGER, params={"limit": 20}, name="ledger", catch_response=True
        ) as answer:
            _judge(answer, (200,))

    @task(2)
    def wallet(self) -> None:
        with self.client.get(paths.WALLET, name="wallet", catch_response=True) as answer:
            _judge(answer, (200,))


SECRET = os.environ.get("LOAD_WEBHOOK_SECRET", "")
PERCENTILES = {"p50": 0.5, "p95": 0.95, "p99": 0.99}
SET_UP = {"merchants": 0, "started": time.monotonic()}


def _merchant_set_up(environment) -> None:
    """When the last merchant is set up: writes the set-up's figures, starts the statistics
    again, and ends the run LOAD_SECONDS later."""
    SET_UP["merchants"] += 1
    if SET_UP["merchants"] != environment.parsed_options.num_users:
        return
    stats = environment.runner.stats
    figures = {
        "seconds": round(time.monotonic() - SET_UP["started"], 1),
        "operations": [
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failed": entry.num_failures,
                "rps": entry.total_rps,
                **{k: entry.get_response_time_percentile(p) for k, p in PERCENTILES.items()},
            }
            for entry in sorted(stats.entries.values(), key=lambda entry: entry.name)
        ],
        "failures": [
            {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
            for error in stats.errors.values()
        ],
    }
    with open(os.environ["LOAD_SET_UP"], "w") as written:
        json.dump(figures, written)
    stats.reset_all()
    gevent.spawn_later(float(os.environ["LOAD_SECONDS"]), environment.runner.quit)


@events.test_stop.add_listener
def _write_tally(environment, **_: object) -> None:
    with open(os.environ["LOAD_TALLY"], "w") as tally:
        json.dump({"charges": ACCEPTED_CHARGES, "orders": PAID_ORDERS, "refunds": REFUNDS}, tally)
