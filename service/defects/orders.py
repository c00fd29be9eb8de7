"""Defects of orders: reservations, payment, idempotency and products."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from dataclasses import replace
from typing import Any

import psycopg

from service.core.errors import ApiError
from service.defects.base import Defect
from service.domain.access import AccessPolicy, Action
from service.domain.orders import PAYMENT_FAILED, RESERVATION_TTL_SECONDS, Basket, Orders
from service.domain.payment_events import PaymentEvents
from service.domain.rules import (
    ORDER_LINES_MAX,
    ORDER_QUANTITY_MAX,
    PRICE_MAX_PENCE,
    PRODUCT_NAME_MAX,
    RESERVATION_TTL_MAX,
    RESERVATION_TTL_MIN,
    STOCK_MAX,
)
from service.providers.payments import CURRENCY, PaymentProvider
from service.stores.orders import EventSeen, Order, OrderStore, Product
from service.stores.reservations import ReservationStore, index_key, reservation_key
from service.stores.wallet import ProviderEvent, first_time


class OrderOversellsUnderRace(Orders):
    """Reads the stock and the reservations, decides, then reserves: two orders racing for the
    last unit both see it free (the pause stands for the work a real handler does in between)."""

    def _reserve_item(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, ttl: int
    ) -> bool:
        with self.store.stock_held(org_id, sku) as stock:  # read, then let go of the lock
            pass
        free = (stock or 0) - self.reservations.held(org_id, sku)
        if free < quantity:
            return False
        time.sleep(0.1)
        key = reservation_key(org_id, order_id, sku)
        self.reservations.cache.set(key, quantity, ex=ttl)
        self.reservations.cache.sadd(index_key(org_id, sku), key)
        return True


class StockTakenWhenReserved(Orders):
    def _reserve_item(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, ttl: int
    ) -> bool:
        reserved = super()._reserve_item(org_id, order_id, sku, quantity, ttl)
        if reserved:
            with self.store.db.tenant(org_id) as conn:
                self.store.take_stock(conn, org_id, sku, quantity)
        return reserved


class ReservationWithoutExpiry(ReservationStore):
    def reserve(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, stock: int, ttl: int
    ) -> bool:
        reserved = super().reserve(org_id, order_id, sku, quantity, stock, ttl)
        self.cache.persist(reservation_key(org_id, order_id, sku))
        return reserved


class ReservationKeptAfterDecline(Orders):
    def _release_unpaid(self, org_id: uuid.UUID, order: Order) -> None:
        return None


class ReservationsKeptWhenItemUnavailable(Orders):
    def _reserve_all(self, org_id: uuid.UUID, order: Order, ttl: int) -> str | None:
        for item in order.items:
            if not self._reserve_item(org_id, order.id, item.sku, item.quantity, ttl):
                return item.sku
        return None


class PaymentAskedWithItemUnavailable(Orders):
    def _reserve_all(self, org_id: uuid.UUID, order: Order, ttl: int) -> str | None:
        for item in order.items:
            self._reserve_item(org_id, order.id, item.sku, item.quantity, ttl)
        return None


class OrderChargedInPounds(PaymentProvider):
    def _charge_params(
        self, amount_pence: int, metadata: dict[str, str], payment_method: str
    ) -> dict[str, Any]:
        params = super()._charge_params(amount_pence, metadata, payment_method)
        return {**params, "amount": amount_pence // 100}


class OrderMetadataMissing(PaymentProvider):
    """The card payment no longer names the order it pays for."""

    def _charge_params(
        self, amount_pence: int, metadata: dict[str, str], payment_method: str
    ) -> dict[str, Any]:
        return super()._charge_params(amount_pence, {}, payment_method)


class OrderProviderKeyRandom(PaymentProvider):
    """The card payment carries a fresh idempotency key instead of one made from the order's."""

    def charge(
        self, amount_pence: int, idempotency_key: str, metadata: dict[str, str], payment_method: str
    ) -> Any:
        return super().charge(amount_pence, f"order-{uuid.uuid4()}", metadata, payment_method)


class MerchantHoldIgnored(Orders):
    def _reservation_ttl(self, org_id: uuid.UUID) -> int:
        return RESERVATION_TTL_SECONDS


class BasketConflictAccepted(Orders):
    """A key sent again with another basket answers with the first order as if all were well."""

    def _replay(self, order: Order | None, digest: str) -> Order:
        if order is not None:
            digest = order.basket_digest
        return super()._replay(order, digest)


class SkuTakenReplacesProduct(OrderStore):
    """Adding a product whose SKU the merchant already uses overwrites that product."""

    def add_product(self, org_id: uuid.UUID, product: Product) -> Product:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "update products set name = %s, price_pence = %s, stock = %s"
                " where org_id = %s and sku = %s",
                (product.name, product.price_pence, product.stock, org_id, product.sku),
            )
        try:
            return super().add_product(org_id, product)
        except Exception:
            raise ApiError(409, "conflict", "You already have a product with that SKU.") from None


class ViewerCanManageProducts(AccessPolicy):
    def allows(self, role: str, action: Action) -> bool:
        return action == Action.MANAGE_PRODUCTS or super().allows(role, action)


class OrderIdempotencyKeyIgnored(Orders):
    def place(
        self, org_id: uuid.UUID, key: str | None, basket: Basket, payment_method: str
    ) -> Order:
        fresh = f"{key}-{uuid.uuid4()}" if key else key
        return super().place(org_id, fresh, basket, payment_method)


class FailedOrderNotRemembered(Orders):
    def place(
        self, org_id: uuid.UUID, key: str | None, basket: Basket, payment_method: str
    ) -> Order:
        before = self.store.order_by_key(org_id, key)
        if before is not None and before.status == "failed":
            key = f"{key}-retry-{uuid.uuid4()}"
        return super().place(org_id, key, basket, payment_method)


class OrderKeyNotRequired(Orders):
    def _usable_key(self, key: str | None) -> str:
        return key or f"made-up-{uuid.uuid4()}"


class RestockReplacesStock(OrderStore):
    def restock(self, org_id: uuid.UUID, sku: str, quantity: int) -> Product | None:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "update products set stock = %s where org_id = %s and sku = %s",
                (quantity, org_id, sku),
            )
        return super().restock(org_id, sku, 0)


class OrderPaidNotAnnounced(OrderStore):
    def _announce_paid(self, conn: psycopg.Connection, org_id: uuid.UUID, order: Order) -> None:
        return None


class ChargedWithoutStock(OrderStore):
    """Takes the units without asking whether the stock still holds them: after a hold ran out
    and the units were sold, the database refuses, after the customer was charged."""

    def _take_stock_of(self, conn: psycopg.Connection, org_id: uuid.UUID, order: Order) -> None:
        for item in order.items:
            conn.execute(
                "update products set stock = stock - %s where org_id = %s and sku = %s",
                (item.quantity, org_id, item.sku),
            )


class UnsoldPaymentKept(Orders):
    def _unsold_after_payment(
        self, org_id: uuid.UUID, order: Order, intent_id: str, event: ProviderEvent | None
    ) -> Order:
        self._release_unpaid(org_id, order)
        return self.store.order_failed(
            org_id, order.id, "out_of_stock_after_payment", intent_id, event=event
        )


class UnsoldRefundFailureHidden(Orders):
    def _unsold_after_payment(
        self, org_id: uuid.UUID, order: Order, intent_id: str, event: ProviderEvent | None
    ) -> Order:
        self._release_unpaid(org_id, order)
        with contextlib.suppress(Exception):  # the defect: a refund that fails goes unseen
            self.payments.refund(intent_id, order.total_pence, f"order-{order.id}-unsold", {})
        return self.store.order_failed(
            org_id, order.id, "out_of_stock_after_payment", intent_id, event=event
        )


class ProcessingPaymentFailsOrder(Orders):
    @staticmethod
    def _still_processing(status: str) -> bool:
        return False


class OrderEventsIgnored(PaymentEvents):
    def _settle_order(self, event: ProviderEvent, intent: dict[str, Any]) -> str:
        return "ignored" if self.store.record_event(event) else "duplicate"


class OrderLastArrivalWins(OrderStore):
    """Applies each of the provider's messages as it arrives, whatever its creation time."""

    @staticmethod
    def _payable() -> str:
        return "status in ('reserving', 'awaiting_payment', 'failed')"

    @staticmethod
    def _failable() -> str:
        return "status in ('reserving', 'awaiting_payment', 'failed', 'paid')"


class FailedPaymentKeepsUnits(Orders):
    def _failed_by_event(self, org_id: uuid.UUID, order: Order, event: ProviderEvent) -> str:
        return "failed" if self.store.order_failed_by_event(org_id, order.id, event) else "ignored"


class LateSuccessNotReviewed(Orders):
    def _needs_review(
        self, org_id: uuid.UUID, order: Order, reason: str, event: ProviderEvent | None = None
    ) -> str:
        return "ignored"


class MismatchedOrderPaymentPaid(Orders):
    @staticmethod
    def _payment_mismatch(order: Order, intent: dict) -> str | None:
        return None


class EarlyOrderEventLost(Orders):
    def being_placed(self, metadata: dict) -> bool:
        return False


class UnansweredPaymentSuccessIgnored(Orders):
    def never_told_of(self, metadata: dict) -> tuple[uuid.UUID, uuid.UUID] | None:
        return None


class UnansweredPaymentSold(Orders):
    """Takes the provider's word as the order's payment, though the customer was told nothing
    was charged: the failed order is paid and its units sold."""

    def _charged_unanswered(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        with self.store.db.tenant(org_id) as conn:
            if not first_time(conn, event):
                raise EventSeen(event.id)
            conn.execute(
                "update orders set status = 'paid', failure = null, payment_intent_id = %s"
                " where id = %s",
                (intent.get("id"), order.id),
            )
            for item in order.items:
                self.store.take_stock(conn, org_id, item.sku, item.quantity)
        return "paid"


class UnansweredEventNotRecorded(Orders):
    """Records each copy of the provider's word under an id of its own, so that the event
    itself is never recorded as processed (a copy sent again is only recognised as news the
    order already has)."""

    def _charged_unanswered(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        copy = replace(event, id=f"{event.id}-{uuid.uuid4().hex}")
        return super()._charged_unanswered(org_id, order, copy, intent)


class UnansweredPaymentRealerted(Orders):
    """Forgets that the order already knows the payment: the same word in a new event marks
    the order for review again and alerts the operators again."""

    def _charged_unanswered(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        unknown = replace(order, payment_intent_id=None)
        return super()._charged_unanswered(org_id, unknown, event, intent)


class UnansweredPaymentNotNamed(Orders):
    def _charged_unanswered(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        return super()._charged_unanswered(org_id, order, event, {**intent, "id": None})


class UnansweredFailureReviewed(Orders):
    def _failed_by_event(self, org_id: uuid.UUID, order: Order, event: ProviderEvent) -> str:
        if order.failure == "provider_unavailable":
            return self._charged_unanswered(org_id, order, event, {"currency": "gbp"})
        return super()._failed_by_event(org_id, order, event)


class UnansweredOrderFoundByIdAlone(Orders):
    """Trusts the order id a payment names, whichever merchant (if any) the payment names."""

    def never_told_of(self, metadata: dict) -> tuple[uuid.UUID, uuid.UUID] | None:
        try:
            order_id = uuid.UUID(str(metadata.get("order_id")))
        except ValueError:
            return None
        with self.store.db.owner() as conn:
            row = conn.execute(
                "select id, org_id from orders where id = %s and status <> 'reserving'"
                " and payment_intent_id is null",
                (order_id,),
            ).fetchone()
        return (row["id"], row["org_id"]) if row else None


class SecondPaymentIgnored(Orders):
    def _charged_again(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        return "ignored" if self.store.record_event(org_id, event) else "duplicate"


class SecondPaymentFailureFailsOrder(Orders):
    def _charged_again(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        if event.type == PAYMENT_FAILED:
            return self._failed_by_event(org_id, order, event)
        return super()._charged_again(org_id, order, event, intent)


class SecondPaymentPaysOrder(Orders):
    """Takes a second payment's success as the word that the order is paid."""

    def _charged_again(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        if event.type == PAYMENT_FAILED or order.status != "awaiting_payment":
            return super()._charged_again(org_id, order, event, intent)
        self._sell(org_id, order, str(intent.get("id")), event)
        return "paid"


class SecondPaymentAlertedAgain(Orders):
    """Records each copy of the provider's word on a second payment under an id of its own."""

    def _charged_again(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        copy = replace(event, id=f"{event.id}-{uuid.uuid4().hex}")
        return super()._charged_again(org_id, order, copy, intent)


class SecondPaymentNotNamed(Orders):
    def _charged_again(
        self, org_id: uuid.UUID, order: Order, event: ProviderEvent, intent: dict
    ) -> str:
        return super()._charged_again(org_id, order, event, {**intent, "id": None})


class SecondPaymentReviewOverwritten(Orders):
    """Marks the order for a second payment in place of any reason it had for review."""

    def _payment_to_give_back(
        self,
        org_id: uuid.UUID,
        order: Order,
        event: ProviderEvent,
        intent: dict,
        reason: str,
        besides: bool = False,
    ) -> str:
        return super()._payment_to_give_back(org_id, order, event, intent, reason)


class SecondPaymentOrderFoundByIdAlone(Orders):
    """Trusts the order id a payment names, whichever merchant (if any) the payment names."""

    def never_told_of(self, metadata: dict) -> tuple[uuid.UUID, uuid.UUID] | None:
        found = super().never_told_of(metadata)
        try:
            order_id = uuid.UUID(str(metadata.get("order_id")))
        except ValueError:
            return found
        with self.store.db.owner() as conn:
            row = conn.execute(
                "select id, org_id from orders where id = %s and status <> 'reserving'",
                (order_id,),
            ).fetchone()
        return (row["id"], row["org_id"]) if row else found


class PaymentWithoutCurrencyPaysOrder(Orders):
    @staticmethod
    def _in_pounds(intent: dict) -> bool:
        currency = str(intent.get("currency") or "").lower()
        return not currency or currency == CURRENCY


class OrderCurrencyCaseSensitive(Orders):
    @staticmethod
    def _in_pounds(intent: dict) -> bool:
        return intent.get("currency") == CURRENCY


class DearestPriceRefused(Orders):
    @staticmethod
    def _price_allowed(pence: int) -> bool:
        return 1 <= pence < PRICE_MAX_PENCE


class ProductLimitsUnchecked(Orders):
    """Prices and stock above a million go through (as far as the database lets them)."""

    @staticmethod
    def _price_allowed(pence: int) -> bool:
        return pence >= 1

    @staticmethod
    def _stock_allowed(units: int, least: int) -> bool:
        return units >= least


class LargestRestockRefused(Orders):
    @staticmethod
    def _stock_allowed(units: int, least: int) -> bool:
        return least <= units < STOCK_MAX


class LongestOrderKeyRefused(Orders):
    def _usable_key(self, key: str | None) -> str:
        if key is not None and len(key) >= 200:
            raise ApiError(400, "invalid_request", "An Idempotency-Key is 1 to 199 characters.")
        return super()._usable_key(key)


class OrderKeyLengthUnchecked(Orders):
    def _usable_key(self, key: str | None) -> str:
        if key is not None and len(key) > 200:
            super()._usable_key(key[:200])  # the rest of the rule still holds
            return key
        return super()._usable_key(key)


class LongestProductNameRefused(Orders):
    @staticmethod
    def _name_allowed(name: str) -> bool:
        return 1 <= len(name) < PRODUCT_NAME_MAX


class ProductNameUnbounded(Orders):
    @staticmethod
    def _name_allowed(name: str) -> bool:
        return len(name) >= 1


class UnknownSkuNamedLast(Orders):
    """Names the last product the merchant does not sell, not the first of the order."""

    def _priced(self, org_id: uuid.UUID, basket: Basket) -> list[tuple[Product, int]]:
        return super()._priced(org_id, list(reversed(basket)))


class LongestSkuRefused(Orders):
    @staticmethod
    def _sku_allowed(sku: str) -> bool:
        return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}", sku) is not None


class SkuLengthUnchecked(Orders):
    @staticmethod
    def _sku_allowed(sku: str) -> bool:
        return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", sku) is not None


class MostLinesRefused(Orders):
    @staticmethod
    def _lines_allowed(lines: int) -> bool:
        return lines < ORDER_LINES_MAX


class OrderLinesUnbounded(Orders):
    @staticmethod
    def _lines_allowed(lines: int) -> bool:
        return True


class MostUnitsRefused(Orders):
    @staticmethod
    def _quantity_allowed(quantity: int) -> bool:
        return quantity < ORDER_QUANTITY_MAX


class OrderQuantityUnbounded(Orders):
    @staticmethod
    def _quantity_allowed(quantity: int) -> bool:
        return True


class LongestHoldRefused(Orders):
    @staticmethod
    def _hold_allowed(seconds: int) -> bool:
        return RESERVATION_TTL_MIN <= seconds < RESERVATION_TTL_MAX


class HoldBoundsUnchecked(Orders):
    @staticmethod
    def _hold_allowed(seconds: int) -> bool:
        return True


DEFECTS: dict[str, Defect] = {
    "payment_without_currency_pays_order": Defect(
        "A processing order's payment confirmed without a currency pays the order.",
        "orders",
        PaymentWithoutCurrencyPaysOrder,
    ),
    "order_currency_case_sensitive": Defect(
        "A processing order's payment confirmed in GBP written in capitals is held for review as "
        "another currency.",
        "orders",
        OrderCurrencyCaseSensitive,
    ),
    "dearest_price_refused": Defect(
        "A product at 1,000,000 pence, the highest price, is refused as invalid.",
        "orders",
        DearestPriceRefused,
    ),
    "product_limits_unchecked": Defect(
        "A product over 1,000,000 pence, or with more than 1,000,000 in stock, is accepted.",
        "orders",
        ProductLimitsUnchecked,
    ),
    "largest_restock_refused": Defect(
        "Stock of 1,000,000 units, or a restock of 1,000,000, is refused as invalid.",
        "orders",
        LargestRestockRefused,
    ),
    "longest_order_key_refused": Defect(
        "An order under a key of 200 characters, the longest, is refused as invalid.",
        "orders",
        LongestOrderKeyRefused,
    ),
    "order_key_length_unchecked": Defect(
        "An order under a key longer than 200 characters is placed.",
        "orders",
        OrderKeyLengthUnchecked,
    ),
    "longest_product_name_refused": Defect(
        "A product named in 200 characters, the longest name, is refused as invalid.",
        "orders",
        LongestProductNameRefused,
    ),
    "product_name_unbounded": Defect(
        "A product named in more than 200 characters is added.",
        "orders",
        ProductNameUnbounded,
    ),
    "longest_sku_refused": Defect(
        "A product with a SKU of 64 characters, the longest, is refused as invalid.",
        "orders",
        LongestSkuRefused,
    ),
    "sku_length_unchecked": Defect(
        "A product with a SKU longer than 64 characters is added.",
        "orders",
        SkuLengthUnchecked,
    ),
    "most_lines_refused": Defect(
        "An order naming 50 products, the most one order names, is refused as invalid.",
        "orders",
        MostLinesRefused,
    ),
    "order_lines_unbounded": Defect(
        "An order naming more than 50 products is not refused as invalid.",
        "orders",
        OrderLinesUnbounded,
    ),
    "most_units_refused": Defect(
        "An order of 1000 units of a product, the most one order takes, is refused as invalid.",
        "orders",
        MostUnitsRefused,
    ),
    "order_quantity_unbounded": Defect(
        "An order of more than 1000 units of a product is not refused as invalid.",
        "orders",
        OrderQuantityUnbounded,
    ),
    "longest_hold_refused": Defect(
        "A merchant cannot choose the longest hold, 900 seconds.",
        "orders",
        LongestHoldRefused,
    ),
    "hold_bounds_unchecked": Defect(
        "A hold of 0 or 901 seconds is not refused as invalid (the database's check fails).",
        "orders",
        HoldBoundsUnchecked,
    ),
    "order_oversells_under_race": Defect(
        "Orders check the free stock and reserve it in two steps, so racing orders both get "
        "the last unit.",
        "orders",
        OrderOversellsUnderRace,
    ),
    "stock_taken_when_reserved": Defect(
        "An order takes its units from the stock as soon as it reserves them, before it is paid.",
        "orders",
        StockTakenWhenReserved,
    ),
    "reservation_without_expiry": Defect(
        "Reservations are kept with no time-to-live, so an unpaid order holds its stock forever.",
        "orders.reservations",
        ReservationWithoutExpiry,
    ),
    "reservation_kept_after_decline": Defect(
        "A declined order keeps its reservations until they expire.",
        "orders",
        ReservationKeptAfterDecline,
    ),
    "reservations_kept_when_item_unavailable": Defect(
        "When one item of an order cannot be reserved, the others' reservations are kept.",
        "orders",
        ReservationsKeptWhenItemUnavailable,
    ),
    "payment_asked_with_item_unavailable": Defect(
        "An order is paid for even when one of its items could not be reserved.",
        "orders",
        PaymentAskedWithItemUnavailable,
    ),
    "order_charged_in_pounds": Defect(
        "An order's card payment asks the payment provider for pounds instead of pence.",
        "payments",
        OrderChargedInPounds,
    ),
    "order_metadata_missing": Defect(
        "An order's card payment does not name the order in its metadata.",
        "payments",
        OrderMetadataMissing,
    ),
    "order_provider_key_random": Defect(
        "An order's card payment is sent with a fresh idempotency key, not one made from the "
        "order's, so the provider cannot tell a retry from a new payment.",
        "payments",
        OrderProviderKeyRandom,
    ),
    "merchant_hold_ignored": Defect(
        "The merchant's shorter hold is ignored: orders always hold their units for 900 seconds.",
        "orders",
        MerchantHoldIgnored,
    ),
    "basket_conflict_accepted": Defect(
        "The same order key with another basket is answered with the first order, not refused.",
        "orders",
        BasketConflictAccepted,
    ),
    "sku_taken_replaces_product": Defect(
        "Adding a product with a SKU the merchant already uses overwrites that product's price "
        "and stock.",
        "orders.store",
        SkuTakenReplacesProduct,
    ),
    "viewer_can_manage_products": Defect(
        "View-only team members can add and restock products and change the hold.",
        "access",
        ViewerCanManageProducts,
    ),
    "order_idempotency_key_ignored": Defect(
        "The order's idempotency key is ignored: the same request twice makes two orders and "
        "two charges.",
        "orders",
        OrderIdempotencyKeyIgnored,
    ),
    "failed_order_not_remembered": Defect(
        "A failed order's key is not remembered: sending it again charges the card again.",
        "orders",
        FailedOrderNotRemembered,
    ),
    "order_key_not_required": Defect(
        "Orders without an idempotency key are taken (and can be placed twice).",
        "orders",
        OrderKeyNotRequired,
    ),
    "restock_replaces_stock": Defect(
        "Restocking sets the stock to the units added instead of adding them.",
        "orders.store",
        RestockReplacesStock,
    ),
    "order_paid_not_announced": Defect(
        "A paid order is not announced to the merchant's subscriptions for order payments.",
        "orders.store",
        OrderPaidNotAnnounced,
    ),
    "charged_without_stock": Defect(
        "A card payment that goes through after the order's hold ran out and its units were "
        "sold takes them anyway: the stock check fails after the customer was charged.",
        "orders.store",
        ChargedWithoutStock,
    ),
    "unsold_payment_kept": Defect(
        "An order that sold out while its card was charged fails, but the payment is not refunded.",
        "orders",
        UnsoldPaymentKept,
    ),
    "unsold_refund_failure_hidden": Defect(
        "When the refund of a sold-out order's payment fails, the order is not marked for "
        "review and no operator is told.",
        "orders",
        UnsoldRefundFailureHidden,
    ),
    "processing_payment_fails_order": Defect(
        "A card payment still processing when the order is placed fails the order at once "
        "(and the customer is charged when it goes through).",
        "orders",
        ProcessingPaymentFailsOrder,
    ),
    "order_events_ignored": Defect(
        "The payment provider's events for orders' payments are ignored: an order whose "
        "payment was processing is never settled.",
        "payment_events",
        OrderEventsIgnored,
    ),
    "order_last_arrival_wins": Defect(
        "An order follows the provider's messages in the order they arrive: a late failure "
        "undoes a payment, and an old success pays a failed order.",
        "orders.store",
        OrderLastArrivalWins,
    ),
    "failed_payment_keeps_units": Defect(
        "An order whose processing payment then fails keeps its units held until the hold "
        "runs out.",
        "orders",
        FailedPaymentKeepsUnits,
    ),
    "late_success_not_reviewed": Defect(
        "A success older than the order's latest failure is dropped silently: the money taken "
        "is not marked for review and no operator is told.",
        "orders",
        LateSuccessNotReviewed,
    ),
    "mismatched_order_payment_paid": Defect(
        "A payment confirmed for another amount or currency than the order's pays the order "
        "as if it matched.",
        "orders",
        MismatchedOrderPaymentPaid,
    ),
    "early_order_event_lost": Defect(
        "A provider event for an order that does not know its payment yet is recorded and "
        "ignored, so the order waits for ever.",
        "orders",
        EarlyOrderEventLost,
    ),
    "unanswered_payment_success_ignored": Defect(
        "The payment provider's word that it took the payment of an order it did not answer "
        "for is acknowledged and ignored: the customer was charged, the order failed, and "
        "nobody is told.",
        "orders",
        UnansweredPaymentSuccessIgnored,
    ),
    "unanswered_payment_sold": Defect(
        "A payment the payment provider took after not answering pays the failed order and "
        "sells its units, though the customer was told nothing was charged.",
        "orders",
        UnansweredPaymentSold,
    ),
    "unanswered_event_not_recorded": Defect(
        "The payment provider's word on a payment it did not answer for is recorded under an "
        "id of its own, not the event's: the platform's records never show that event as "
        "processed.",
        "orders",
        UnansweredEventNotRecorded,
    ),
    "unknown_sku_named_last": Defect(
        "An order naming several products the merchant does not sell is refused naming the "
        "last of them, not the first.",
        "orders",
        UnknownSkuNamedLast,
    ),
    "unanswered_payment_realerted": Defect(
        "The payment provider's word on a payment it did not answer for, said again in a new "
        "event, puts the order in front of the operators again and alerts them again.",
        "orders",
        UnansweredPaymentRealerted,
    ),
    "unanswered_payment_not_named": Defect(
        "An order put in front of the operators for a payment the payment provider took after "
        "not answering does not name that payment, in the alert or on the order.",
        "orders",
        UnansweredPaymentNotNamed,
    ),
    "unanswered_failure_reviewed": Defect(
        "The payment provider's word that a payment it did not answer for failed marks the "
        "order for review, though no money was taken.",
        "orders",
        UnansweredFailureReviewed,
    ),
    "unanswered_order_found_by_id_alone": Defect(
        "A payment the payment provider did not answer for finds its order by the order id it "
        "names alone, whichever merchant it names (another, none, or no id at all).",
        "orders",
        UnansweredOrderFoundByIdAlone,
    ),
    "second_payment_ignored": Defect(
        "The payment provider's word that it took a second payment for an order that knows "
        "its own is acknowledged and ignored: the customer was charged twice and nobody is "
        "told.",
        "orders",
        SecondPaymentIgnored,
    ),
    "second_payment_failure_fails_order": Defect(
        "The payment provider's word that a second payment for an order failed fails the "
        "order, though its own payment is still under way.",
        "orders",
        SecondPaymentFailureFailsOrder,
    ),
    "second_payment_pays_order": Defect(
        "A second payment that goes through pays an order still awaiting its own payment, "
        "which then goes through too: the customer pays twice for one order, unseen.",
        "orders",
        SecondPaymentPaysOrder,
    ),
    "second_payment_alerted_again": Defect(
        "The payment provider's word on a second payment is not kept as processed: sent again "
        "once the platform's quick record is gone, it alerts the operators again.",
        "orders",
        SecondPaymentAlertedAgain,
    ),
    "second_payment_not_named": Defect(
        "An order put in front of the operators for a second payment does not name that "
        "payment, in the alert or on the order.",
        "orders",
        SecondPaymentNotNamed,
    ),
    "second_payment_review_overwritten": Defect(
        "A second payment's review takes the place of the reason the order had for review: "
        "a third charge hides the second, which is never paid back.",
        "orders",
        SecondPaymentReviewOverwritten,
    ),
    "second_payment_order_found_by_id_alone": Defect(
        "A second payment finds its order by the order id it names alone, whichever merchant "
        "it names (another, or none).",
        "orders",
        SecondPaymentOrderFoundByIdAlone,
    ),
}
