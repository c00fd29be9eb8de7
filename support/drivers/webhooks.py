"""Webhooks-out driver: merchants' subscriptions and their deliveries, and the operator's run of
the delivery worker with a "now" the scenario moves (time is an input: nobody sleeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.clients.cache import Cache
from support.drivers.accounts import Account
from support.drivers.base import insist
from support.report.evidence import attach_text
from support.report.redaction import SECRETS
from support.report.shown import ShownAs

# The service's record of a processed provider event (its contract with the suite's Redis reads).
EVENT_SEEN_KEY = "payments:event:{}"
# Event types as a product owner names them, and as the platform names them.
EVENT_TYPES = {
    "order payments": "order.paid",
    "order refunds": "order.refunded",
    "wallet top-ups": "wallet.topped_up",
    "onboarding completion": "onboarding.completed",
}
# Lists of event types that no subscription may have, as a product owner names them.
INVALID_EVENT_TYPES = {
    "no kind of event": [],
    "a kind that does not exist": ["order.shipped"],
    'wallet top-ups spelt "Wallet.Topped_Up"': ["Wallet.Topped_Up"],
}


def _address_of(length: int) -> str:
    """A public machine's web address (by number: nothing is looked up) of `length` characters."""
    start = "https://93.184.216.34/hooks/"
    return start + "a" * (length - len(start))


# Addresses a product owner names, and the web addresses a merchant would give for them.
UNSAFE_ADDRESSES = {
    "an address without encryption": "http://shop.webhooks.test/hooks",
    # Encrypted, but not a web address a delivery can be posted to.
    "an address for live connections rather than the web": "wss://shop.webhooks.test/hooks",
    "the platform's own machine by name": "https://localhost/hooks",
    "the platform's own machine by number": "https://127.0.0.1/hooks",
    "the platform's own machine in the newer numbering": "https://[::1]/hooks",
    "a machine on a private network": "https://10.0.0.8/hooks",
    "a machine on a home network": "https://192.168.1.20/hooks",
    "the cloud's internal metadata service": "https://169.254.169.254/latest/meta-data",
    "no machine at all": "https://0.0.0.0/hooks",
    "an address that is not a web address": "https://[shop.example.com/hooks",
    # Under the suite's own receivers' domain, so that only the port can refuse it.
    "an address with a port that cannot exist": "https://shop.webhooks.test:70000/hooks",
    # `.invalid` never resolves (RFC 2606); a name with an empty part cannot even be looked up.
    "a machine whose name does not exist": "https://shop.invalid/hooks",
    "a machine whose name has an empty part": "https://shop..example.com/hooks",
    "a group address that many machines listen on": "https://224.0.1.1/hooks",
    "a public machine, in an address of 2001 characters": _address_of(2001),
}
# Public addresses a merchant's receiver may have, named by number so that nothing is looked up
# (no subscription here is ever posted to: no event follows it).
PUBLIC_ADDRESSES = {
    "a public machine by number": "https://93.184.216.34/hooks",
    "a public machine in the newer numbering": "https://[2606:4700:4700::1111]/hooks",
    "a public machine by number written in the newer numbering": (
        "https://[::ffff:93.184.216.34]/hooks"
    ),
    "a public machine, in an address of 2000 characters": _address_of(2000),
}


@dataclass(frozen=True)
class Subscription:
    id: str
    url: str
    event_types: list[str]
    secret: str = field(repr=False)


class WebhooksDriver(ShownAs):
    shown_as = "webhooks driver"

    def __init__(self, api: ApiClient, operator_token: str | None) -> None:
        self._api = api
        self._operator_token = operator_token
        self.last_attempt_at: datetime | None = None  # the "now" of the last run that posted

    # -- subscriptions -------------------------------------------------------------------

    def try_subscribe(self, account: Account, url: str, event_types: list[str]) -> httpx.Response:
        body = {"url": url, "event_types": event_types}
        return self._api.request(
            "POST", paths.WEBHOOK_SUBSCRIPTIONS, token=account.token, json=body
        )

    def subscribe(self, account: Account, url: str, kinds: list[str]) -> Subscription:
        """Subscribes to events named as a product owner names them (see EVENT_TYPES)."""
        answer = insist(
            self.try_subscribe(account, url, [EVENT_TYPES[kind] for kind in kinds]),
            201,
            f"subscribe {url} to {', '.join(kinds)}",
        )
        SECRETS.add(answer.get("secret"))
        return Subscription(answer["id"], answer["url"], answer["event_types"], answer["secret"])

    def try_subscriptions(self, account: Account) -> httpx.Response:
        return self._api.request("GET", paths.WEBHOOK_SUBSCRIPTIONS, token=account.token)

    def subscriptions(self, account: Account) -> list[dict[str, Any]]:
        answer = insist(self.try_subscriptions(account), 200, "list the webhook subscriptions")
        return answer["subscriptions"]

    def try_subscription(self, account: Account, subscription_id: str) -> httpx.Response:
        return self._api.request(
            "GET", paths.webhook_subscription(subscription_id), token=account.token
        )

    def subscription(self, account: Account, subscription_id: str) -> dict[str, Any]:
        return insist(self.try_subscription(account, subscription_id), 200, "show the subscription")

    def try_deliveries(self, account: Account, subscription_id: str) -> httpx.Response:
        return self._api.request(
            "GET", paths.webhook_deliveries(subscription_id), token=account.token
        )

    def deliveries(self, account: Account, subscription_id: str) -> list[dict[str, Any]]:
        answer = insist(
            self.try_deliveries(account, subscription_id), 200, "list the subscription's deliveries"
        )
        return answer["deliveries"]

    # -- the delivery worker -------------------------------------------------------------

    def _run_body(self, now: datetime, merchants: list[Account]) -> dict[str, Any]:
        # Scoped to the scenario's own merchants: a "now" moved ahead must not post other
        # scenarios' deliveries (their receivers are faked in other processes).
        return {
            "now": now.isoformat(),
            "organisation_ids": [merchant.organisation_id for merchant in merchants],
        }

    def try_run_worker(
        self, now: datetime, merchants: list[Account], token: str | None = None
    ) -> httpx.Response:
        return self._api.request(
            "POST",
            paths.OPERATOR_WEBHOOK_DELIVERY_RUN,
            token=token,
            json=self._run_body(now, merchants),
        )

    def try_run_worker_as(self, account: Account) -> httpx.Response:
        """Someone who is not an operator (a merchant, with its own pass) asks for a run."""
        return self.try_run_worker(datetime.now(UTC), [account], account.token)

    def run_worker(self, merchants: list[Account], after: timedelta | None = None) -> dict:
        """Runs the worker as of now, or as of `after` past the last attempt."""
        now = self._now(after)
        answer = insist(
            self.try_run_worker(now, merchants, self._operator()), 200, "run the delivery worker"
        )
        if answer["processed"]:
            self.last_attempt_at = now
        return answer

    def run_workers_together(self, merchants: list[Account], count: int) -> list[dict]:
        now = self._now(None)
        answers = self._api.request_together(
            "POST",
            paths.OPERATOR_WEBHOOK_DELIVERY_RUN,
            count,
            token=self._operator(),
            bodies=[self._run_body(now, merchants)] * count,
        )
        self.last_attempt_at = now
        return [insist(answer, 200, "run the delivery worker") for answer in answers]

    def _now(self, after: timedelta | None) -> datetime:
        if after is None:
            return datetime.now(UTC)
        if self.last_attempt_at is None:
            raise AssertionError("No delivery has been attempted yet to count the time from.")
        return self.last_attempt_at + after

    def _operator(self) -> str:
        if not self._operator_token:
            raise AssertionError(
                "The target's operator token is not known to the suite: set OPERATOR_TOKEN."
            )
        return self._operator_token


class ProviderEventMemory(ShownAs):
    """The platform's quick record (in its Redis) of the provider events it has processed:
    a scenario makes it forget one, as a flush or an expiry would."""

    shown_as = "the platform's quick record of provider events"

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    def forget(self, event_id: str) -> None:
        key = EVENT_SEEN_KEY.format(event_id)
        self._cache.forget_quietly(key)
        attach_text("Redis change: the quick record of an event is gone", f"DEL {key}")
