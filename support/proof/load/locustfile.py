"""Locust's merchants: sign up and in, top up and confirm by signed provider event (sometimes
delivered twice), spend, get the phone number, read the wallet and the ledger.

Expected refusals (too little credit) count as successes; a 5xx counts as a server error, any
other refusal as unexpected. Each merchant's accepted charges are tallied for the consistency
check (written to LOAD_TALLY when the run stops).
"""

from __future__ import annotations

import json
import os
import random
import uuid

from locust import HttpUser, between, events, task

from support.clients import paths
from support.proof.load import LOAD_CHARGE
from support.providers.signing import payment_intent_event, sign

ACCEPTED_CHARGES: dict[str, int] = {}


def _judge(response, ok: tuple[int, ...]) -> None:
    if response.status_code in ok:
        response.success()
    elif response.status_code >= 500:
        response.failure(f"server error {response.status_code}")
    else:
        response.failure(f"unexpected {response.status_code}")


class Merchant(HttpUser):
    wait_time = between(0.05, 0.25)

    def on_start(self) -> None:
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
        self.top_up_and_confirm(deliveries=2)  # every merchant's first payment arrives twice

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


@events.test_stop.add_listener
def _write_tally(environment, **_: object) -> None:
    with open(os.environ["LOAD_TALLY"], "w") as tally:
        json.dump(ACCEPTED_CHARGES, tally)
