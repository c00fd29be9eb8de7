"""Events from the payment provider: verified, processed once each, applied to top-ups."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import redis
import stripe

from service.core.errors import ApiError
from service.providers import ProviderNotConfigured
from service.providers.payments import CURRENCY, PaymentProvider
from service.stores.wallet import ProviderEvent, WalletStore

log = logging.getLogger("service.domain.payment_events")

SEEN_KEY = "payments:event:{}"
SEEN_TTL_SECONDS = 7 * 24 * 3600  # longer than the provider keeps retrying an event
LATEST_CREATED = 253_402_300_799  # 9999-12-31T23:59:59Z, the last time Python can hold
SETTLING = ("payment_intent.succeeded", "payment_intent.payment_failed")


class PaymentEvents:
    def __init__(self, store: WalletStore, payments: PaymentProvider, cache: redis.Redis) -> None:
        self.store = store
        self.payments = payments
        self.cache = cache

    def receive(self, payload: bytes, signature: str | None) -> str:
        """Returns what happened: credited, failed, ignored or duplicate."""
        event = self._verified(payload, signature)
        event_id, event_type = event.get("id"), event.get("type")
        if not isinstance(event_id, str) or not isinstance(event_type, str) or not event_id:
            raise ApiError(400, "invalid_request", "The event has no id or type.")
        created = event.get("created")
        if type(created) is not int or not 0 <= created <= LATEST_CREATED:
            raise ApiError(400, "invalid_request", "The event has no valid creation time.")
        if self._seen_before(event_id):
            return "duplicate"
        when = datetime.fromtimestamp(created, UTC)
        outcome = self._apply(ProviderEvent(event_id, event_type, when), event)
        self._remember(event_id)  # only once its effect is committed
        return outcome

    def _verified(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        try:
            return self.payments.verify_event(payload, signature)
        except ProviderNotConfigured:
            raise ApiError(
                503, "provider_unavailable", "Payment events cannot be received right now."
            ) from None
        except stripe.SignatureVerificationError:
            raise ApiError(
                401, "invalid_signature", "The event's signature could not be verified."
            ) from None
        except ValueError:
            raise ApiError(400, "invalid_request", "The event is not valid JSON.") from None

    # Redis answers "seen before?" quickly; the database record, written in the same transaction
    # as the event's effect, is what makes "once" hold (also for two copies arriving at once, or
    # when Redis forgets). Redis is told only after that transaction commits, so a crash in
    # between leaves the event to be processed when the provider retries it.
    def _seen_before(self, event_id: str) -> bool:
        try:
            return bool(self.cache.exists(SEEN_KEY.format(event_id)))
        except redis.RedisError as error:
            log.warning(
                "Redis unavailable; the database alone guards event %s: %s", event_id, error
            )
            return False

    def _remember(self, event_id: str) -> None:
        try:
            self.cache.set(SEEN_KEY.format(event_id), "1", ex=SEEN_TTL_SECONDS)
        except redis.RedisError as error:
            log.warning(
                "Redis unavailable; event %s noted in the database only: %s", event_id, error
            )

    def _apply(self, event: ProviderEvent, data: dict[str, Any]) -> str:
        if event.type not in SETTLING:
            return "ignored" if self.store.record_event(event) else "duplicate"
        intent = (data.get("data") or {}).get("object") or {}
        owner = self.store.top_up_owner(str(intent.get("id", "")))
        if owner is None:
            return "ignored" if self.store.record_event(event) else "duplicate"
        top_up_id, org_id = owner
        paid = None
        if event.type == "payment_intent.succeeded":
            if intent.get("currency") != CURRENCY:
                return "ignored" if self.store.record_event(event) else "duplicate"
            paid = int(intent.get("amount_received") or 0)
        return self._settle(org_id, top_up_id, event, paid)

    def _settle(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, paid: int | None
    ) -> str:
        return self.store.settle_top_up(org_id, top_up_id, event, paid)
