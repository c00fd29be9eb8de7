"""Webhooks out: merchants' subscriptions (safe HTTPS endpoints only), and the delivery worker
with its retry schedule."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import SplitResult, urlsplit

from service.core.errors import ApiError, not_found
from service.domain.rules import ENDPOINT_URL_MAX
from service.providers.merchant_endpoints import EndpointAnswer, MerchantEndpoints, new_secret
from service.stores.webhooks import (
    Delivery,
    DueDelivery,
    Subscription,
    WebhookStore,
)

log = logging.getLogger("service.domain.webhooks")

# Minutes to wait after each failed attempt; after the last one fails, the delivery has failed.
RETRY_DELAYS_MINUTES = (1, 2, 4, 8, 16)
DELIVERIES_PER_RUN_MAX = 500  # one run never loops for ever; the next run takes the rest


@dataclass(frozen=True)
class RunResult:
    """What one run of the delivery worker did (the seed's job result, in counts)."""

    processed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


class Webhooks:
    def __init__(
        self, store: WebhookStore, endpoints: MerchantEndpoints, test_domain: str = ""
    ) -> None:
        self.store = store
        self.endpoints = endpoints
        # Hosts under this reserved domain (for example "webhooks.test") are accepted without
        # resolving them: only the suite's in-process deployment sets it, for its faked
        # receivers. `.test` never resolves on the internet (RFC 2606).
        self._test_domain = test_domain

    # -- subscriptions -------------------------------------------------------------------

    def subscribe(self, org_id: uuid.UUID, url: str, event_types: list[str]) -> Subscription:
        """The new subscription with its secret: the only time the secret is shown."""
        self._check_endpoint(url)
        unique_types = list(dict.fromkeys(event_types))
        return self.store.create_subscription(org_id, url, unique_types, new_secret())

    def subscriptions(self, org_id: uuid.UUID) -> list[Subscription]:
        return self.store.subscriptions(org_id)

    def subscription(self, org_id: uuid.UUID, subscription_id: uuid.UUID) -> Subscription:
        found = self.store.subscription(org_id, subscription_id)
        if found is None:
            raise not_found("We could not find that webhook subscription.")
        return found

    def shown(self, subscription: Subscription) -> dict[str, Any]:
        """What a merchant sees of a subscription when listing or reading it: never the
        secret (shown once, at creation)."""
        return {
            "id": str(subscription.id),
            "url": subscription.url,
            "event_types": subscription.event_types,
            "created_at": subscription.created_at.astimezone(UTC).isoformat(),
        }

    def deliveries(self, org_id: uuid.UUID, subscription_id: uuid.UUID) -> list[Delivery]:
        self.subscription(org_id, subscription_id)
        return self.store.deliveries(org_id, subscription_id)

    def _check_endpoint(self, url: str) -> None:
        """HTTPS only, and never to the platform's own network: a platform that posts wherever
        its merchants say must not become a way in to loopback or private addresses."""
        if not self._length_allowed(url):
            raise ApiError(
                400,
                "invalid_request",
                f"The endpoint's address is at most {ENDPOINT_URL_MAX:,} characters.",
            )
        parts = self._parts(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ApiError(
                400, "invalid_request", "The endpoint must be an HTTPS address (https://…)."
            )
        host = parts.hostname.lower().rstrip(".")
        if self._test_domain and host.endswith("." + self._test_domain):
            return
        addresses = self._addresses(host)
        if not addresses:
            raise ApiError(400, "invalid_request", "The endpoint's host name cannot be found.")
        if not all(self._public(address) for address in addresses):
            raise ApiError(
                400,
                "invalid_request",
                "The endpoint must be a public address, not a loopback or private one.",
            )

    @staticmethod
    def _length_allowed(url: str) -> bool:
        return len(url) <= ENDPOINT_URL_MAX

    @staticmethod
    def _parts(url: str) -> SplitResult:
        """The address split up; one that cannot be (an unclosed "[", a port that cannot exist)
        is refused as invalid, never left to fail later as a server error."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
        except ValueError:
            raise ApiError(
                400, "invalid_request", "The endpoint is not a valid web address."
            ) from None
        return parts

    @staticmethod
    def _addresses(host: str) -> list[str]:
        try:
            return [info[4][0] for info in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)]
        except (socket.gaierror, UnicodeError):
            return []

    @staticmethod
    def _public(address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return ip.is_global and not ip.is_multicast

    # -- the delivery worker -------------------------------------------------------------

    def deliver_due(self, now: datetime, org_ids: list[uuid.UUID] | None = None) -> RunResult:
        """Posts every delivery due at `now` (of these organisations only, when given), one at a
        time, each locked while it is posted so that another worker skips it."""
        counts = {"processed": 0, "delivered": 0, "retrying": 0, "failed": 0}
        for _ in range(DELIVERIES_PER_RUN_MAX):
            with self.store.claim_due(now, org_ids) as due:
                if due is None:
                    break
                outcome = self._attempt(due, now)
            counts["processed"] += 1
            counts[outcome] += 1
        return RunResult(**counts)

    def _attempt(self, due: DueDelivery, now: datetime) -> str:
        answer = self._still_safe(due.url) or self.endpoints.post(
            due.url, f"msg_{due.id.hex}", due.body, due.secret
        )
        attempts = due.attempts + 1
        if self._delivered(answer):
            self._record(due, now, answer, None, delivered=True)
            return "delivered"
        next_at = self._next_attempt(now, attempts)
        self._record(due, now, answer, next_at, delivered=False)
        return "retrying" if next_at else "failed"

    @staticmethod
    def _delivered(answer: EndpointAnswer) -> bool:
        """Any success answer (2xx: 200, 201, 202, 204, ...) takes the delivery; a redirect or
        an error does not."""
        return answer.accepted

    def _still_safe(self, url: str) -> EndpointAnswer | None:
        """A host that resolved to a public address at subscription may lead inside now (its
        name was re-pointed): checked again before each post, and not posted to if so."""
        try:
            self._check_endpoint(url)
        except ApiError as refused:
            return EndpointAnswer(None, f"not sent: {refused.message}")
        return None

    def _record(
        self,
        due: DueDelivery,
        now: datetime,
        answer: EndpointAnswer,
        next_at: datetime | None,
        delivered: bool,
    ) -> None:
        self.store.record_attempt(due, now, answer.status_code, answer.summary, next_at, delivered)

    def _next_attempt(self, now: datetime, attempts: int) -> datetime | None:
        """When to try again after `attempts` failed attempts; None once retries are spent."""
        if attempts > len(RETRY_DELAYS_MINUTES):
            return None
        return now + timedelta(minutes=self._retry_delay_minutes(attempts))

    def _retry_delay_minutes(self, attempts: int) -> int:
        return RETRY_DELAYS_MINUTES[attempts - 1]


class DeliverySchedule:
    """Runs the delivery worker every `interval` seconds in a deployed service."""

    def __init__(self, webhooks: Webhooks, interval_seconds: float) -> None:
        self._webhooks = webhooks
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="webhook-deliveries", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                result = self._webhooks.deliver_due(datetime.now(UTC))
            except Exception:  # one bad run must not stop the schedule
                log.exception("The webhook delivery run failed")
                continue
            if result.processed:
                log.info("Webhook deliveries: %s", result)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
