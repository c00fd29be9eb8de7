"""Products and orders: stock reserved first (in Redis, with a time-to-live), then paid by card."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass

from service.core.errors import ApiError, not_found
from service.domain.rules import (
    IDEMPOTENCY_KEY_PATTERN,
    ORDER_LINES_MAX,
    ORDER_QUANTITY_MAX,
    PRICE_MAX_PENCE,
    PRODUCT_NAME_MAX,
    RESERVATION_TTL_MAX,
    RESERVATION_TTL_MIN,
    SKU_PATTERN,
    STOCK_MAX,
)
from service.providers import ProviderNotConfigured, ProviderRefused, ProviderUnavailable
from service.providers.payments import CURRENCY, PaymentProvider
from service.stores.order_keys import OrderKeys
from service.stores.orders import EventSeen, Order, OrderStore, Product, SkuTaken, StockShort
from service.stores.reservations import ReservationStore
from service.stores.wallet import ProviderEvent

log = logging.getLogger("service.domain.orders")

RESERVATION_TTL_SECONDS = 900
Basket = list[tuple[str, int]]  # (SKU, quantity) per line
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_SKU = re.compile(SKU_PATTERN)

_FAILURES = {
    "out_of_stock": (409, "Not enough of an item is in stock, so nothing was charged."),
    "payment_declined": (402, "The card was declined, so the order was not placed."),
    "provider_unavailable": (
        503,
        "We could not reach our payment provider, so nothing was charged. Please try again.",
    ),
    "out_of_stock_after_payment": (
        409,
        "An item sold out before the card payment went through, so the order was not placed "
        "and the payment is given back.",
    ),
}
# The provider's word on a payment still processing when the order was placed.
PAYMENT_SUCCEEDED = "payment_intent.succeeded"
PAYMENT_FAILED = "payment_intent.payment_failed"


def failure_of(order: Order) -> ApiError:
    """The refusal a failed order answers with, the first time and every time after."""
    code = order.failure or "payment_declined"
    status, message = _FAILURES[code]
    return ApiError(status, code, message)


def basket_digest(basket: Basket) -> str:
    """The same basket, however its lines are ordered, has the same digest."""
    canonical = json.dumps(sorted(basket), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Stocked:
    product: Product
    available: int


class Orders:
    def __init__(
        self,
        store: OrderStore,
        reservations: ReservationStore,
        keys: OrderKeys,
        payments: PaymentProvider,
    ) -> None:
        self.store = store
        self.reservations = reservations
        self.keys = keys
        self.payments = payments

    # -- products ------------------------------------------------------------------------

    def add_product(self, org_id: uuid.UUID, product: Product) -> Product:
        if not self._price_allowed(product.price_pence):
            raise ApiError(400, "invalid_request", f"A price is 1 to {PRICE_MAX_PENCE:,} pence.")
        if not self._sku_allowed(product.sku):
            raise ApiError(
                400,
                "invalid_request",
                "A SKU is 1 to 64 letters, digits, dots, dashes and underscores, starting with a "
                "letter or digit.",
            )
        if not self._name_allowed(product.name):
            raise ApiError(
                400, "invalid_request", f"A product's name is 1 to {PRODUCT_NAME_MAX} characters."
            )
        if not self._stock_allowed(product.stock, least=0):
            raise ApiError(400, "invalid_request", f"A stock is 0 to {STOCK_MAX:,} units.")
        try:
            return self.store.add_product(org_id, product)
        except SkuTaken:
            raise ApiError(409, "conflict", "You already have a product with that SKU.") from None

    def restock(self, org_id: uuid.UUID, sku: str, quantity: int) -> Product:
        if not self._stock_allowed(quantity, least=1):
            raise ApiError(400, "invalid_request", f"A restock adds 1 to {STOCK_MAX:,} units.")
        product = self.store.restock(org_id, sku, quantity)
        if product is None:
            raise not_found("We could not find a product with that SKU.")
        return product

    @staticmethod
    def _sku_allowed(sku: str) -> bool:
        return _SKU.match(sku) is not None

    @staticmethod
    def _name_allowed(name: str) -> bool:
        return 1 <= len(name) <= PRODUCT_NAME_MAX

    @staticmethod
    def _price_allowed(pence: int) -> bool:
        return 1 <= pence <= PRICE_MAX_PENCE

    @staticmethod
    def _stock_allowed(units: int, least: int) -> bool:
        return least <= units <= STOCK_MAX

    def products(self, org_id: uuid.UUID) -> list[Stocked]:
        """Each product with what is still available: its stock less live reservations."""
        return [
            Stocked(p, p.stock - self.reservations.held(org_id, p.sku))
            for p in self.store.products(org_id)
        ]

    def set_reservation_ttl(self, org_id: uuid.UUID, seconds: int) -> None:
        if not self._hold_allowed(seconds):
            raise ApiError(
                400,
                "invalid_request",
                f"A hold lasts from {RESERVATION_TTL_MIN} to {RESERVATION_TTL_MAX} seconds.",
            )
        self.store.set_reservation_ttl(org_id, seconds)

    @staticmethod
    def _hold_allowed(seconds: int) -> bool:
        return RESERVATION_TTL_MIN <= seconds <= RESERVATION_TTL_MAX

    def order(self, org_id: uuid.UUID, order_id: uuid.UUID) -> Order:
        order = self.store.order(org_id, order_id)
        if order is None:
            raise not_found("We could not find that order.")
        return order

    def order_by_key(self, org_id: uuid.UUID, key: str) -> Order:
        if not _KEY.match(key):  # no order has such a key (and the database cannot hold a NUL)
            raise ApiError(
                400, "invalid_request", "An Idempotency-Key is 1 to 200 visible characters."
            )
        order = self.store.order_by_key(org_id, key)
        if order is None:
            raise not_found("We could not find an order with that key.")
        return order

    # -- placing an order ----------------------------------------------------------------

    def place(
        self, org_id: uuid.UUID, key: str | None, basket: Basket, payment_method: str
    ) -> Order:
        """The order for this key: made now (reserved, then paid), or the one made before.
        A failed order raises its refusal."""
        key = self._usable_key(key)
        if not self._lines_allowed(len(basket)):
            raise ApiError(400, "invalid_request", f"An order has at most {ORDER_LINES_MAX} lines.")
        if not all(self._quantity_allowed(quantity) for _, quantity in basket):
            raise ApiError(
                400,
                "invalid_request",
                f"An order takes at most {ORDER_QUANTITY_MAX:,} of each product.",
            )
        digest = basket_digest(basket)
        existing = self._existing_order(org_id, key)
        if existing is not None:
            return self._replay(existing, digest)
        lines = self._priced(org_id, basket)
        order = self.store.new_order(org_id, key, digest, lines)
        if order is None:  # the same key, placed a moment ago by a request racing this one
            return self._replay(self.store.order_by_key(org_id, key), digest)
        self.keys.remember(org_id, key, order.id, digest)
        unavailable = self._reserve_all(org_id, order, self._reservation_ttl(org_id))
        if unavailable is not None:
            raise failure_of(self.store.order_failed(org_id, order.id, "out_of_stock"))
        return self._pay(org_id, order, key, payment_method)

    @staticmethod
    def _lines_allowed(lines: int) -> bool:
        return lines <= ORDER_LINES_MAX

    @staticmethod
    def _quantity_allowed(quantity: int) -> bool:
        return quantity <= ORDER_QUANTITY_MAX

    def _usable_key(self, key: str | None) -> str:
        """Without its key an order could be placed twice, so none is taken without one."""
        if key is None or not _KEY.match(key):
            raise ApiError(
                400,
                "invalid_request",
                "Every order needs an Idempotency-Key header of 1 to 200 visible characters.",
            )
        return key

    def _existing_order(self, org_id: uuid.UUID, key: str) -> Order | None:
        """Redis answers first; the order row keeps the key when Redis has forgotten it."""
        remembered = self.keys.recall(org_id, key)
        if remembered is not None:
            return self.store.order(org_id, remembered.order_id)
        return self.store.order_by_key(org_id, key)

    def _replay(self, order: Order | None, digest: str) -> Order:
        if order is None or order.basket_digest != digest:
            raise ApiError(
                409,
                "idempotency_conflict",
                "This idempotency key was already used for a different basket.",
            )
        if order.status == "failed":
            raise failure_of(order)
        if order.status == "reserving":
            raise ApiError(
                409, "order_in_progress", "This order is still being placed; ask again shortly."
            )
        return order

    def _priced(self, org_id: uuid.UUID, basket: Basket) -> list[tuple[Product, int]]:
        found = {p.sku: p for p in self.store.products(org_id, [sku for sku, _ in basket])}
        unknown = [sku for sku, _ in basket if sku not in found]
        if unknown:
            raise not_found(f"We could not find a product with the SKU {unknown[0]}.")
        return [(found[sku], quantity) for sku, quantity in basket]

    def _reservation_ttl(self, org_id: uuid.UUID) -> int:
        return self.store.reservation_ttl(org_id) or RESERVATION_TTL_SECONDS

    def _reserve_all(self, org_id: uuid.UUID, order: Order, ttl: int) -> str | None:
        """Reserves every item; if one cannot be, releases those taken and names it."""
        taken: list[str] = []
        for item in order.items:
            if not self._reserve_item(org_id, order.id, item.sku, item.quantity, ttl):
                self.reservations.release(org_id, order.id, taken)
                return item.sku
            taken.append(item.sku)
        return None

    def _reserve_item(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, ttl: int
    ) -> bool:
        with self.store.stock_held(org_id, sku) as stock:
            return self.reservations.reserve(org_id, order_id, sku, quantity, stock or 0, ttl)

    def _pay(self, org_id: uuid.UUID, order: Order, key: str, payment_method: str) -> Order:
        metadata = {"order_id": str(order.id), "org_id": str(org_id)}
        try:
            intent = self.payments.charge(
                order.total_pence, f"order-{org_id}-{key}", metadata, payment_method
            )
        except ProviderRefused:
            raise failure_of(self._fail(org_id, order, "payment_declined")) from None
        except (ProviderUnavailable, ProviderNotConfigured):
            raise failure_of(self._fail(org_id, order, "provider_unavailable")) from None
        if self._still_processing(intent.status):  # the provider's event says how it ends
            return self.store.order_awaiting_payment(org_id, order.id, intent.id)
        if intent.status != "succeeded":
            raise failure_of(self._fail(org_id, order, "payment_declined", intent.id))
        paid = self._sell(org_id, order, intent.id)
        if paid.status != "paid":
            raise failure_of(paid)
        return paid

    @staticmethod
    def _still_processing(status: str) -> bool:
        return status == "processing"

    def _sell(
        self, org_id: uuid.UUID, order: Order, intent_id: str, event: ProviderEvent | None = None
    ) -> Order:
        """The order's card payment went through: its units leave the stock, then its
        reservations are cleared (no moment shows units neither reserved nor sold). When the
        stock can no longer cover it (its hold ran out and the units were sold meanwhile), the
        payment is refunded and the order fails, nothing sold. Raises EventSeen for an event
        processed before; returns the order unchanged when it can no longer be paid."""
        try:
            paid = self.store.order_paid(org_id, order, intent_id, event)
        except StockShort:
            return self._unsold_after_payment(org_id, order, intent_id, event)
        if paid is None:
            return self.order(org_id, order.id)
        self.reservations.release(org_id, order.id, [item.sku for item in order.items])
        return paid

    def _unsold_after_payment(
        self, org_id: uuid.UUID, order: Order, intent_id: str, event: ProviderEvent | None
    ) -> Order:
        """Gives the customer's money back (once, whoever asks: the key is the order's) and
        fails the order; a refund the provider will not make leaves the order for review."""
        self._release_unpaid(org_id, order)
        failure = "out_of_stock_after_payment"
        metadata = {"order_id": str(order.id), "reason": failure}
        try:
            self.payments.refund(intent_id, order.total_pence, f"order-{order.id}-unsold", metadata)
        except (ProviderRefused, ProviderUnavailable, ProviderNotConfigured) as error:
            reason = (
                f"The card was charged {order.total_pence} pence after the stock ran out, and "
                f"the refund failed ({error}): the customer must be paid back."
            )
            log.error("Order %s of organisation %s needs review: %s", order.id, org_id, reason)
            return self.store.order_failed(org_id, order.id, failure, intent_id, reason, event)
        return self.store.order_failed(org_id, order.id, failure, intent_id, event=event)

    # -- the provider's word on a payment that was processing ---------------------------

    def owner_of_payment(self, intent_id: str) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(order id, organisation) of the order paid by this payment intent, if any."""
        return self.store.order_owner(intent_id) if intent_id else None

    def being_placed(self, metadata: dict) -> bool:
        """The payment names (in the metadata the platform gave it) an order that is still
        being placed and does not know its payment yet: its event is for a moment later."""
        order = self._named_by(metadata)
        return order is not None and order.status == "reserving" and not order.payment_intent_id

    def never_told_of(self, metadata: dict) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(order id, organisation) of the order the payment names, placed and settled without
        knowing this payment: the provider did not answer when it was placed, or the order
        knows another payment (the customer was charged twice). The provider's word on that
        payment is still about money taken for it (see settle_by_event)."""
        order = self._named_by(metadata)
        if order is None or order.status == "reserving":
            return None
        return order.id, uuid.UUID(str(metadata.get("org_id")))

    def _named_by(self, metadata: dict) -> Order | None:
        """The order named by a payment's metadata (`order_id` and `org_id`, as the platform
        wrote them), looked up as that organisation's only: another's is not found."""
        try:
            order_id = uuid.UUID(str(metadata.get("order_id")))
            org_id = uuid.UUID(str(metadata.get("org_id")))
        except ValueError:
            return None
        return self.store.order(org_id, order_id)

    def settle_by_event(
        self, org_id: uuid.UUID, order_id: uuid.UUID, event: ProviderEvent, intent: dict
    ) -> str:
        """Applies the provider's "succeeded" or "payment failed" event for the order's payment,
        by the event's own creation time (as for top-ups, MON-1). Returns what happened: paid,
        failed, refunded (sold out meanwhile), needs_review, ignored or duplicate."""
        order = self.order(org_id, order_id)
        try:
            if order.payment_intent_id and intent.get("id") != order.payment_intent_id:
                return self._charged_again(org_id, order, event, intent)
            if event.type == PAYMENT_FAILED:
                return self._failed_by_event(org_id, order, event)
            if order.failure == "provider_unavailable":
                return self._charged_unanswered(org_id, order, event, intent)
            mismatch = self._payment_mismatch(order, intent)
            if mismatch is not None:  # money moved that the order did not ask for
                return self._needs_review(org_id, order, mismatch, event)
            settled = self._sell(org_id, order, order.payment_intent_id or "", event)
        except EventSeen:
            return "duplicate"
        if settled.status == "paid":
            return "ignored" if order.status == "paid" else "paid"
        if settled.failure == "out_of_stock_after_payment":
            if order.failure == settled.failure:  # refunded (or held) when it happened
                return "ignored"
            return "needs_review" if settled.review_reason else "refunded"
        if settled.status == "failed":  # failed by a newer word, or before any: not paid
            reason = (
                f"The card payment of {order.total_pence} pence succeeded, but the order had "
                "failed by then (the payment provider's newer word, or at its placing), so it "
                "was not paid: the customer must be paid back."
            )
            return self._needs_review(org_id, settled, reason)
        return "ignored"

    def _charged_unanswered(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        """The provider took the payment of an order that failed because it did not answer:
        the customer was told nothing was charged, so nothing is sold now (the units may be
        gone, the customer may have ordered again); the order keeps the payment's id and is
        marked for review, once, and the operators are alerted. Raises EventSeen for an event
        processed before."""
        if order.payment_intent_id == intent.get("id"):  # told again, in a new event: known
            return "ignored" if self.store.record_event(org_id, event) else "duplicate"
        received = intent.get("amount_received")
        currency = str(intent.get("currency") or "").upper() or "no currency"
        reason = (
            f"The card was charged {received!r} {currency} for this order after the payment "
            "provider did not answer when it was placed, so the order failed and nothing was "
            "sold: the customer must be paid back."
        )
        return self._payment_to_give_back(org_id, order, event, intent, reason)

    def _charged_again(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        """The provider's word on a payment the order's metadata names but which is not the
        order's own (a second charge of the customer, ORD-14). Its failure moved no money:
        recorded, nothing else. Its success changes nothing of the order (paid stays paid,
        awaiting its own payment stays so) but marks it for review, besides any reason it
        had, once, and alerts the operators. Raises EventSeen for an event processed before."""
        if event.type == PAYMENT_FAILED:
            return "ignored" if self.store.record_event(org_id, event) else "duplicate"
        received = intent.get("amount_received")
        currency = str(intent.get("currency") or "").upper() or "no currency"
        reason = (
            f"The customer was charged a second time for this order: {received!r} {currency} "
            f"by payment {intent.get('id')!s}, besides the order's own payment "
            f"{order.payment_intent_id}; the second payment must be paid back."
        )
        return self._payment_to_give_back(org_id, order, event, intent, reason, besides=True)

    def _payment_to_give_back(
        self,
        org_id: uuid.UUID,
        order: Order,
        event: ProviderEvent,
        intent: dict,
        reason: str,
        besides: bool = False,
    ) -> str:
        """Marks the order for review for a payment the provider took that must be given
        back (the order keeps the payment's id when it knew none), recording the event in the
        same transaction, and alerts the operators naming the payment."""
        intent_id = str(intent.get("id") or "") or None
        self.store.order_needs_review(org_id, order.id, reason, event, intent_id, besides)
        log.error(
            "Order %s of organisation %s needs review (payment %s, event %s): %s",
            order.id,
            org_id,
            intent_id,
            event.id,
            reason,
        )
        return "needs_review"

    def _failed_by_event(self, org_id: uuid.UUID, order: Order, event: ProviderEvent) -> str:
        failed = self.store.order_failed_by_event(org_id, order.id, event)
        if failed is None:
            return "ignored"
        self._release_unpaid(org_id, order)  # units back at once, not when the hold runs out
        return "failed"

    @classmethod
    def _payment_mismatch(cls, order: Order, intent: dict) -> str | None:
        """Why a confirmed payment cannot pay the order as it stands, or None when it matches."""
        currency = str(intent.get("currency") or "").lower()
        received = intent.get("amount_received")
        if not cls._in_pounds(intent) or received != order.total_pence:
            return (
                f"The payment was confirmed for {received!r} {currency.upper() or 'no currency'}"
                f", but the order is for {order.total_pence} pence in GBP."
            )
        return None

    @staticmethod
    def _in_pounds(intent: dict) -> bool:
        """The payment is in GBP, however the provider wrote its code ("GBP" is "gbp"); a payment
        that names no currency is not."""
        return str(intent.get("currency") or "").lower() == CURRENCY

    def _needs_review(
        self, org_id: uuid.UUID, order: Order, reason: str, event: ProviderEvent | None = None
    ) -> str:
        if event is not None and not self.store.record_event(org_id, event):
            return "duplicate"
        if order.status == "awaiting_payment":  # not paid by this: it fails, its units go back
            self.store.order_failed(org_id, order.id, "payment_declined", review_reason=reason)
            self._release_unpaid(org_id, order)
        else:
            self.store.order_needs_review(org_id, order.id, reason)
        log.error("Order %s of organisation %s needs review: %s", order.id, org_id, reason)
        return "needs_review"

    def _fail(
        self, org_id: uuid.UUID, order: Order, failure: str, intent_id: str | None = None
    ) -> Order:
        failed = self.store.order_failed(org_id, order.id, failure, intent_id)
        self._release_unpaid(org_id, order)
        return failed

    def _release_unpaid(self, org_id: uuid.UUID, order: Order) -> None:
        """An order that will not be paid gives its units back at once, not when they expire."""
        self.reservations.release(org_id, order.id, [item.sku for item in order.items])
