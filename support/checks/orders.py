"""Reads products, orders, reservations and idempotency keys from the database, Redis and the
platform's answers, and says in product language what differs from what was expected."""

from __future__ import annotations

import math
import time
from typing import Any

import httpx

from support.checks.leaks import LeakContext
from support.checks.outcomes import Refusal, expect_refused
from support.checks.wallet import expect_error_logged, expect_event_recorded_once
from support.clients.cache import Cache
from support.clients.database import Database
from support.drivers.accounts import Account
from support.drivers.base import describe, insist
from support.drivers.orders import OrderRequest, OrdersDriver, Placed
from support.providers.fakes import ProviderCall
from support.providers.payments import PaymentProviderFake
from support.report.evidence import attach_json, attach_text
from support.target.inprocess import ServiceLog

# The platform's keys in Redis (its contract): one reservation per order and SKU, and the
# order an idempotency key made, all under the merchant's prefix.
MERCHANT_KEYS = "orders:{org}:*"
RESERVATIONS = "orders:{org}:reservation:{order}:*"
IDEMPOTENCY = "orders:{org}:idempotency:{key}"
DEFAULT_WINDOW_SECONDS = 900
# Redis counts a key's life in whole milliseconds, and its clock is not ours: a little leeway.
CLOCK_ROUNDING_MS = 5


def order_row(database: Database, organisation_id: str, key: str) -> dict[str, Any] | None:
    rows = database.read(
        "the order made with this key",
        "select id, status, failure, total_pence, payment_intent_id, idempotency_key"
        " from orders where org_id = %s and idempotency_key = %s",
        (organisation_id, key),
    )
    return rows[0] if rows else None


def order_items(database: Database, order_id: str) -> dict[str, dict[str, Any]]:
    rows = database.read(
        "the order's items",
        "select sku, quantity, unit_price_pence, refunded_quantity from order_items"
        " where order_id = %s order by sku",
        (order_id,),
    )
    return {row["sku"]: row for row in rows}


def _recorded(database: Database, organisation_id: str, key: str) -> dict[str, Any]:
    row = order_row(database, organisation_id, key)
    if row is None:
        raise AssertionError(
            "Expected the platform to have recorded the customer's order, but it holds no order "
            "made with its key."
        )
    return row


def stock(database: Database, organisation_id: str, sku: str) -> int | None:
    rows = database.read(
        f"the stock of {sku}",
        "select sku, price_pence, stock from products where org_id = %s and sku = %s",
        (organisation_id, sku),
    )
    return rows[0]["stock"] if rows else None


def expect_stock(database: Database, organisation_id: str, sku: str, units: int) -> None:
    found = stock(database, organisation_id, sku)
    if found != units:
        raise AssertionError(
            f"Expected {units} of {sku} in stock, but the merchant's records hold {found}."
        )


def expect_available(orders: OrdersDriver, account: Account, sku: str, units: int) -> None:
    product = orders.products(account).get(sku)
    shown = product["available"] if product else None
    if shown != units:
        raise AssertionError(
            f"Expected {units} of {sku} to be shown as available, but {shown} are."
        )


def expect_product(
    orders: OrdersDriver, database: Database, account: Account, sku: str, price: int, units: int
) -> None:
    shown = orders.products(account).get(sku)
    if shown is None or (shown["price_pence"], shown["stock"]) != (price, units):
        raise AssertionError(
            f"Expected the merchant's product {sku} at {price} pence with {units} in stock, but "
            f"the merchant is shown {shown}."
        )
    expect_stock(database, account.organisation_id, sku, units)


def expect_not_sold(orders: OrdersDriver, account: Account, sku: str) -> None:
    shown = orders.products(account).get(sku)
    if shown is not None:
        raise AssertionError(f"Expected the merchant not to sell {sku}, but it is shown {shown}.")


def expect_hold_window(database: Database, account: Account, seconds: int) -> None:
    """How long the merchant's orders hold their units: its own choice, or the default."""
    rows = database.read(
        "the merchant's order settings",
        "select reservation_ttl_seconds from order_settings where org_id = %s",
        (account.organisation_id,),
    )
    held = rows[0]["reservation_ttl_seconds"] if rows else DEFAULT_WINDOW_SECONDS
    if held != seconds:
        raise AssertionError(
            f"Expected the merchant's orders to hold their units for {seconds} seconds, but they "
            f"hold them for {held} seconds."
        )


def expect_paid(answer: httpx.Response, database: Database, account: Account) -> None:
    """The platform answered with the paid order, and recorded it as paid."""
    order = insist(answer, 201, "take the customer's order")
    if order.get("status") != "paid":
        raise AssertionError(f"Expected the order to be paid, but it is {order.get('status')}.")
    expect_order_recorded_by_id(database, account.organisation_id, order["id"], "paid")


def expect_order_recorded(
    database: Database, organisation_id: str, request: OrderRequest, status: str
) -> None:
    row = _recorded(database, organisation_id, request.key)
    if row["status"] != status:
        raise AssertionError(
            f"Expected the order to be recorded as {status}, but it is {row['status']}."
        )


def expect_only_orders(database: Database, organisation_id: str, statuses: list[str]) -> None:
    """The merchant's orders, whatever their keys, are exactly these (by status)."""
    rows = database.read(
        "the merchant's orders",
        "select id, idempotency_key, status, total_pence from orders where org_id = %s",
        (organisation_id,),
    )
    found = sorted(row["status"] for row in rows)
    if found != sorted(statuses):
        raise AssertionError(
            f"Expected the merchant to have {len(statuses)} order(s) ({', '.join(statuses)}), "
            f"but it has {len(found)} ({', '.join(found) or 'none'})."
        )


def reservations(
    cache: Cache, database: Database, organisation_id: str, request: OrderRequest
) -> list[dict[str, Any]]:
    order = _recorded(database, organisation_id, request.key)
    pattern = RESERVATIONS.format(org=organisation_id, order=order["id"])
    return cache.read_matching("the order's reservations", pattern)


def expect_reserved(
    cache: Cache,
    database: Database,
    organisation_id: str,
    request: OrderRequest,
    held: dict[str, int],
    window_seconds: int,
    sent_at: float,
) -> None:
    """The order holds exactly these units per SKU, each for the whole window less no more than
    the time since the order was sent (`sent_at`, time.monotonic())."""
    found = reservations(cache, database, organisation_id, request)
    by_sku = {entry["key"].rsplit(":", 1)[1]: entry for entry in found}
    quantities = {sku: int(entry["value"]) for sku, entry in by_sku.items()}
    if quantities != held:
        raise AssertionError(
            f"Expected the order to hold reservations of {_units(held)}, but it holds "
            f"{_units(quantities) or 'none'}."
        )
    # A reservation made after `sent_at` has lost at most the time since then: a window even a
    # second short is seen, unless the platform took that second to reserve.
    spent_ms = math.ceil((time.monotonic() - sent_at) * 1000) + CLOCK_ROUNDING_MS
    longest = window_seconds * 1000
    shortest = max(1, longest - spent_ms)
    for sku, entry in by_sku.items():
        if not shortest <= entry["ttl_ms"] <= longest:
            life = "no end" if entry["ttl_ms"] < 0 else f"{entry['ttl_ms'] / 1000:.3f} seconds"
            raise AssertionError(
                f"Expected the reservation of {sku} to have {window_seconds} seconds left, less "
                f"no more than the {spent_ms / 1000:.3f} seconds since the order was sent, but "
                f"it has {life} left."
            )


def expect_no_reservations(
    cache: Cache, database: Database, organisation_id: str, request: OrderRequest
) -> None:
    found = reservations(cache, database, organisation_id, request)
    if found:
        held = {entry["key"].rsplit(":", 1)[1]: int(entry["value"]) for entry in found}
        raise AssertionError(
            f"Expected the order to hold no reservations, but it still holds {_units(held)}."
        )


def wait_for_reservation_end(
    cache: Cache,
    database: Database,
    organisation_id: str,
    request: OrderRequest,
    offset_ms: int,
) -> None:
    """Waits until `offset_ms` from the end of the order's reservations (negative: before it;
    positive: after it), measured on Redis's own clock. The one real wait in the suite: it proves
    that Redis itself ends a reservation, which no fake clock can."""
    found = reservations(cache, database, organisation_id, request)
    if not found:
        raise AssertionError("Expected the order to hold a reservation, but it holds none.")
    left = max(entry["ttl_ms"] for entry in found)
    time.sleep(max(0.0, (left + offset_ms) / 1000))
    attach_json("Waited on Redis's clock", {"reservation_ms_left": left, "offset_ms": offset_ms})


def expect_key_remembered(
    cache: Cache, database: Database, organisation_id: str, request: OrderRequest
) -> None:
    """The key is on the order row and in Redis, naming that order."""
    order = _recorded(database, organisation_id, request.key)
    kept = cache.read(
        "the order's idempotency key", IDEMPOTENCY.format(org=organisation_id, key=request.key)
    )
    if kept["value"] is None or str(order["id"]) not in kept["value"]:
        raise AssertionError(
            f"Expected the platform to remember the order's idempotency key with the order, but "
            f"it remembers {kept['value'] or 'nothing'}."
        )


def expect_refused_as(outcome: httpx.Response, reason: str, leaks: LeakContext) -> None:
    expect_refused(outcome, ORDER_REFUSALS[reason], leaks)


def expect_refused_naming(placed: Placed, sku: str, leaks: LeakContext) -> None:
    """Refused as not found, and the message names `sku` (the first unknown product in the
    order), not any other product of the order."""
    message = expect_refused(placed.latest, Refusal.NOT_FOUND, leaks)["message"]
    named = [other for other, _ in placed.request.items if other != sku and other in message]
    if sku not in message or named:
        raise AssertionError(
            f"Expected the refusal to name {sku!r}, the first product not sold, but it said: "
            f"{message}"
        )


ORDER_REFUSALS = {
    "out of stock": Refusal.OUT_OF_STOCK,
    "because the card was declined": Refusal.PAYMENT_DECLINED,
    "a repeat with a different basket": Refusal.IDEMPOTENCY_CONFLICT,
    "because card payments are not available": Refusal.PROVIDER_UNAVAILABLE,
    "because its items sold out before the card payment went through": (
        Refusal.SOLD_OUT_WHILE_PAID
    ),
}


def expect_same_order(placed: Placed) -> None:
    """Every time the request was sent, the platform answered with the same order."""
    first = insist(placed.answers[0], 201, "take the customer's order")
    second = insist(placed.latest, 201, "answer the repeated order request with the same order")
    if (second["id"], second["status"]) != (first["id"], first["status"]):
        raise AssertionError(
            f"Expected the repeated request to return the same {first['status']} order, but it "
            f"returned another ({second['status']})."
        )


def expect_one_paid_rest_out_of_stock(
    outcomes: list[httpx.Response], database: Database, account: Account
) -> None:
    paid = [r for r in outcomes if r.status_code == 201]
    refused = [r for r in outcomes if r.status_code != 201]
    if len(paid) != 1:
        raise AssertionError(
            f"Expected exactly one of {len(outcomes)} racing orders to be paid, but "
            f"{len(paid)} were: {'; '.join(describe(r) for r in outcomes)}."
        )
    wrong = [describe(r) for r in refused if r.status_code != Refusal.OUT_OF_STOCK.value.status]
    if wrong:
        raise AssertionError(
            f"Expected the other orders to be refused as out of stock, but got {wrong}."
        )
    expect_paid(paid[0], database, account)


def order_payments(payment_provider: PaymentProviderFake) -> list[ProviderCall]:
    return [c for c in payment_provider.intent_requests() if c.form.get("confirm") == "true"]


def expect_charged_once(payment_provider: PaymentProviderFake, pence: int, placed: Placed) -> None:
    """One payment, confirmed at once, of exactly `pence` pence, naming the order, with a key
    made from the shop's idempotency key."""
    order_id = insist(placed.latest, 201, "take the customer's order")["id"]
    request = placed.request
    calls = order_payments(payment_provider)
    if len(calls) != 1:
        raise AssertionError(
            f"Expected the payment provider to be asked to charge the card once, but it was "
            f"asked {len(calls)} times."
        )
    form = calls[0].form
    if (form.get("amount"), form.get("currency")) != (str(pence), "gbp"):
        raise AssertionError(
            f"Expected the card to be charged exactly {pence} pence, but the payment provider "
            f"was asked for {form.get('amount')} {form.get('currency')}."
        )
    if form.get("metadata[order_id]") != order_id:
        raise AssertionError(
            f"Expected the payment to name the order {order_id}, but it names "
            f"{form.get('metadata[order_id]')!r}."
        )
    sent = calls[0].headers.get("Idempotency-Key") or ""
    if request.key not in sent:
        raise AssertionError(
            f"Expected the payment to carry the order's idempotency key {request.key!r}, but it "
            f"carried {sent!r}."
        )


def expect_card_charges(payment_provider: PaymentProviderFake, count: int) -> None:
    calls = order_payments(payment_provider)
    if len(calls) != count:
        raise AssertionError(
            f"Expected the payment provider to be asked to charge a card {count} time(s), but "
            f"it was asked {len(calls)} time(s)."
        )


def _units(held: dict[str, int]) -> str:
    return ", ".join(f"{quantity} of {sku}" for sku, quantity in sorted(held.items()))


def expect_awaiting_payment(answer: httpx.Response, database: Database, account: Account) -> None:
    """The platform took the order and said it waits for its payment, and recorded it so."""
    order = insist(answer, 201, "take the customer's order")
    if order.get("status") != "awaiting_payment":
        raise AssertionError(
            f"Expected the order to await its card payment, but it is {order.get('status')}."
        )
    expect_order_recorded_by_id(database, account.organisation_id, order["id"], "awaiting_payment")


def expect_order_recorded_by_id(
    database: Database, organisation_id: str, order_id: str, status: str
) -> None:
    rows = database.read(
        "the order",
        "select id, status, failure, review_reason from orders where org_id = %s and id = %s",
        (organisation_id, order_id),
    )
    found = rows[0]["status"] if rows else "not recorded"
    if found != status:
        raise AssertionError(f"Expected the order to be recorded as {status}, but it is {found}.")


def expect_each_event_recorded_once(database: Database, cache: Cache, event_ids: list[str]):
    """Each of the provider's events is in the platform's records once, and noted in Redis."""
    for event_id in event_ids:
        expect_event_recorded_once(database, cache, event_id)


def expect_shown_for_review(
    orders: OrdersDriver,
    account: Account,
    request: OrderRequest,
    words: str,
    status: str = "failed",
    also: str | None = None,
    once: bool = False,
) -> None:
    """The merchant sees the order in `status` (failed unless told) and waiting for review,
    for a reason that says these words (its first letter in either case, as a sentence may
    start with them; only once when `once`: said twice, it reads as two payments to give
    back), and `also` when given (a payment to give back)."""
    shown = orders.order_by_key(account, request.key)
    attach_json("The order as the merchant sees it", shown)
    reason = shown.get("review_reason") or ""
    said = reason[:1].lower() + reason[1:]
    expected = words if also is None else f"{words} (naming {also})"
    expected += ", once" if once else ""
    repeated = once and said.lower().count(words.lower()) > 1
    if shown.get("status") != status or words not in said or (also or "") not in said or repeated:
        raise AssertionError(
            f"Expected the merchant to see the order {status} and needing review because "
            f"{expected}, but it is {shown.get('status')} with "
            f"{repr(reason) if reason else 'nothing to review'}."
        )


def expect_own_payment(
    database: Database,
    payments: PaymentProviderFake,
    account: Account,
    request: OrderRequest,
    status: str,
) -> None:
    """The order is recorded in `status`, paid by (or awaiting) the payment the platform asked
    for when it was placed, not another."""
    row = _recorded(database, account.organisation_id, request.key)
    own = payments.intent_of_order(str(row["id"]))["id"]
    if row["status"] != status or row["payment_intent_id"] != own:
        raise AssertionError(
            f"Expected the order to be recorded as {status} with its own payment {own}, but it "
            f"is {row['status']} with payment {row['payment_intent_id']}."
        )


def expect_not_for_review(orders: OrdersDriver, account: Account, request: OrderRequest) -> None:
    shown = orders.order_by_key(account, request.key)
    if shown.get("review_reason"):
        raise AssertionError(
            f"Expected the order to need no review, but it says {shown['review_reason']!r}."
        )


def expect_review_logged(
    service_log: ServiceLog,
    database: Database,
    account: Account,
    request: OrderRequest,
    times: int | None = None,
    also: str | None = None,
) -> None:
    """Operators are told, as an error in the service's log, which order needs review (exactly
    `times` times, when given; naming `also` too, when given: the payment to give back)."""
    order = _recorded(database, account.organisation_id, request.key)
    words = [str(order["id"]), "review", *([also] if also else [])]
    expect_error_logged(service_log, words, times)


# The step that checks this: a scenario holding it listens from its first step (the plugin's
# pytest_bdd_before_scenario), since a log first asked for at the check would hear nothing.
NOT_ALERTED = "the platform's operators are not alerted"


def expect_no_error_logged(service_log: ServiceLog) -> None:
    """Nothing was put in front of the operators: the service logged no error."""
    errors = service_log.errors()
    attach_text("Errors the service logged", "\n".join(errors) or "(none)")
    if errors:
        raise AssertionError(f"Expected no error in the service's log, but it logged {errors[:3]}.")
