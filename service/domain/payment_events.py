"""Events from the payment provider: verified, processed once each, applied to top-ups and to
orders whose card payment was still processing."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import redis
import stripe

from service.core.errors import ApiError
from service.domain.orders import Orders
from service.providers import ProviderNotConfigured
from service.providers.payments import CURRENCY, PaymentProvider
from service.stores.wallet import ProviderEvent, Reversal, WalletStore

log = logging.getLogger("service.domain.payment_events")

SEEN_KEY = "payments:event:{}"
SEEN_TTL_SECONDS = 7 * 24 * 3600  # longer than the provider keeps retrying an event
LATEST_CREATED = 253_402_300_799  # 9999-12-31T23:59:59Z, the last time Python can hold
SETTLING = ("payment_intent.succeeded", "payment_intent.payment_failed")
# A charge's refunds (its `amount_refunded` is the running total) and a dispute (its `amount`).
REVERSING = {"charge.refunded": "refunded", "charge.dispute.created": "disputed"}


class PaymentEvents:
    def __init__(
        self,
        store: WalletStore,
        payments: PaymentProvider,
        cache: redis.Redis,
        orders: Orders | None = None,
    ) -> None:
        self.store = store
        self.payments = payments
        self.cache = cache
        self.orders = orders  # whose payments the provider's events may settle too

    def receive(self, payload: bytes, signature: str | None) -> str:
        """Returns what happened: credited, failed, ignored, duplicate, needs_review, for an
        order paid or refunded, or for a refund or dispute noted, unchanged, taken_back or
        on_hold."""
        event = self._verified(payload, signature)
        read = self._read(event)
        if self._seen_before(read.id):
            return "duplicate"
        outcome = self._apply(read, event)
        self._remember(read.id)  # only once its effect is committed
        return outcome

    def _read(self, event: dict[str, Any]) -> ProviderEvent:
        """The event's id, type and creation time, each present and of its kind, or a refusal."""
        event_id, event_type = event.get("id"), event.get("type")
        if not isinstance(event_id, str) or not isinstance(event_type, str) or not event_id:
            raise ApiError(400, "invalid_request", "The event has no id or type.")
        created = event.get("created")
        if type(created) is not int or not 0 <= created <= LATEST_CREATED:
            raise ApiError(400, "invalid_request", "The event has no valid creation time.")
        return ProviderEvent(event_id, event_type, datetime.fromtimestamp(created, UTC))

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
        if event.type in REVERSING:
            return self._reverse(event, data)
        if event.type not in SETTLING:
            return "ignored" if self.store.record_event(event) else "duplicate"
        intent = (data.get("data") or {}).get("object") or {}
        owner = self.store.top_up_owner(str(intent.get("id", "")))
        if owner is None:
            return self._settle_order(event, intent)
        top_up_id, org_id = owner
        paid = None
        if event.type == "payment_intent.succeeded":
            reason = self._review_reason(org_id, top_up_id, intent)
            if reason is not None:
                return self._hold_for_review(org_id, top_up_id, event, reason)
            paid = int(intent.get("amount_received") or 0)
        return self._settle(org_id, top_up_id, event, paid)

    # A confirmation that does not match its top-up means money moved that the platform did not
    # ask for: crediting it would be wrong, ignoring it would lose the merchant's money unseen.
    def _review_reason(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, intent: dict[str, Any]
    ) -> str | None:
        """Why a confirmed payment cannot be credited as it stands, or None when it matches."""
        top_up = self.store.top_up_state(org_id, top_up_id)
        currency = self._currency(intent)
        paid = intent.get("amount_received")
        if currency != CURRENCY:
            return f"The payment was confirmed in {currency.upper() or 'no currency'}, not GBP."
        if top_up is not None and paid != top_up.amount_pence:
            return (
                f"The payment was confirmed for {paid} pence, "
                f"but the top-up was for {top_up.amount_pence} pence."
            )
        return None

    @staticmethod
    def _currency(payment: dict[str, Any]) -> str:
        """The payment's currency code, however the provider wrote it ("GBP" is "gbp")."""
        return str(payment.get("currency") or "").lower()

    def _hold_for_review(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, reason: str
    ) -> str:
        outcome = self.store.hold_top_up_for_review(org_id, top_up_id, event, reason)
        if outcome == "needs_review":
            log.error(
                "Top-up %s of organisation %s needs review (event %s): %s",
                top_up_id,
                org_id,
                event.id,
                reason,
            )
        return outcome

    def _reverse(self, event: ProviderEvent, data: dict[str, Any]) -> str:
        """A top-up's card payment refunded or disputed: the credit it bought is taken back
        (see WalletStore.reverse_top_up); an event for no top-up of ours is only recorded."""
        charge = (data.get("data") or {}).get("object") or {}
        owner = self.store.top_up_owner(str(charge.get("payment_intent") or ""))
        if owner is None:
            return "ignored" if self.store.record_event(event) else "duplicate"
        top_up_id, org_id = owner
        kind = REVERSING[event.type]
        claimed = charge.get("amount_refunded" if kind == "refunded" else "amount")
        mismatch = self._reversal_mismatch(org_id, top_up_id, charge, claimed)
        reversal = Reversal(event, kind, claimed if mismatch is None else 0, data, mismatch)
        outcome = self.store.reverse_top_up(org_id, top_up_id, reversal)
        if outcome == "on_hold":
            log.error(
                "Wallet of organisation %s held: top-up %s %s (event %s)",
                org_id,
                top_up_id,
                kind,
                event.id,
            )
        return outcome

    def _reversal_mismatch(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, charge: dict[str, Any], claimed: Any
    ) -> str | None:
        """Why a refund or dispute cannot be taken back as it stands, or None when it can."""
        top_up = self.store.top_up_state(org_id, top_up_id)
        currency = self._currency(charge)
        if currency != CURRENCY:
            return f"The payment was reversed in {currency.upper() or 'no currency'}, not GBP."
        if top_up is None or type(claimed) is not int or not 0 < claimed <= top_up.amount_pence:
            held = top_up.amount_pence if top_up else 0
            return f"{claimed!r} pence were reversed of a top-up of {held} pence."
        return None

    def _settle_order(self, event: ProviderEvent, intent: dict[str, Any]) -> str:
        """The same rule as for top-ups, for an order whose payment was processing when it was
        placed (see Orders.settle_by_event), found by its payment or, when the order does not
        know it (the provider did not answer while it was placed, or it is a second payment),
        by the order the payment names (Orders.never_told_of); an event for no order of ours
        is only recorded."""
        order = self.orders.owner_of_payment(str(intent.get("id", ""))) if self.orders else None
        metadata = intent.get("metadata")
        named = metadata if isinstance(metadata, dict) else {}
        if order is None and self.orders and self.orders.being_placed(named):
            # Recording it now would lose it: the provider sends it again when refused.
            log.warning("Event %s is for an order still being placed: asked again", event.id)
            raise ApiError(
                409,
                "order_in_progress",
                "The order this payment is for is still being placed; send the event again.",
            )
        if order is None and self.orders:  # money taken for an order that does not know of it
            order = self.orders.never_told_of(named)
        if order is None:
            return "ignored" if self.store.record_event(event) else "duplicate"
        order_id, org_id = order
        return self.orders.settle_by_event(org_id, order_id, event, intent)

    def _settle(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, paid: int | None
    ) -> str:
        return self.store.settle_top_up(org_id, top_up_id, event, paid)
