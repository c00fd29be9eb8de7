"""Reads an order's refunds from the database and the payment provider's refund calls, and says
in product language what differs from what was expected."""

from __future__ import annotations

from typing import Any

import httpx

from support.checks.orders import order_items, order_row
from support.clients.database import Database
from support.drivers.accounts import Account
from support.drivers.orders import Placed
from support.providers.payments import PaymentProviderFake


def _order(database: Database, account: Account, placed: Placed) -> dict[str, Any]:
    row = order_row(database, account.organisation_id, placed.request.key)
    if row is None:
        raise AssertionError("Expected the merchant to have the customer's order, but it has not.")
    return row


def refunds_of(database: Database, account: Account, placed: Placed) -> list[dict[str, Any]]:
    order_id = _order(database, account, placed)["id"]
    return database.read(
        "the order's refunds",
        "select r.id, r.amount_pence, r.provider_idempotency_key, r.provider_refund_id,"
        " r.created_at, (select json_object_agg(i.sku, i.quantity) from refund_items i"
        " where i.refund_id = r.id) as items from refunds r"
        " where r.org_id = %s and r.order_id = %s order by r.created_at",
        (account.organisation_id, order_id),
    )


def expect_refund_names(refund: dict[str, Any], items: list[tuple[str, int]]) -> None:
    """The refund the merchant was given names exactly these items and quantities."""
    named = sorted((item["sku"], item["quantity"]) for item in refund.get("items", []))
    if named != sorted(items):
        raise AssertionError(f"Expected the refund to name {sorted(items)}, but it named {named}.")


def expect_refund_of(
    refund: dict[str, Any], database: Database, account: Account, placed: Placed, pence: int
) -> None:
    """The refund the merchant was given is of `pence`, and recorded with that amount."""
    if refund.get("amount_pence") != pence:
        raise AssertionError(
            f"Expected a refund of {pence} pence, but the merchant was told "
            f"{refund.get('amount_pence')} pence."
        )
    recorded = {
        str(row["id"]): row["amount_pence"] for row in refunds_of(database, account, placed)
    }
    if recorded.get(refund["id"]) != pence:
        raise AssertionError(
            f"Expected the refund to be recorded as {pence} pence, but the order's refunds are "
            f"{recorded or 'none'}."
        )


def expect_same_refund_answered(
    answers: list[httpx.Response],
    database: Database,
    account: Account,
    placed: Placed,
    pence: int,
) -> None:
    """Every answer to the keyed refund made the refund (or gave it again): the same refund,
    of `pence`, recorded once."""
    made = [answer for answer in answers if answer.status_code == 201]
    if len(made) != len(answers):
        raise AssertionError(
            "Expected every answer to the same refund to give the refund, but the answers were "
            f"{[answer.status_code for answer in answers]}: "
            f"{[answer.text[:200] for answer in answers if answer.status_code != 201]}."
        )
    bodies = [answer.json() for answer in made]
    if any(body != bodies[0] for body in bodies):
        raise AssertionError(
            f"Expected every answer to name the same refund, but they named {bodies}."
        )
    expect_refund_of(bodies[0], database, account, placed, pence)


def expect_refunds_total(
    database: Database, account: Account, placed: Placed, count: int, pence: int
) -> None:
    rows = refunds_of(database, account, placed)
    total = sum(row["amount_pence"] for row in rows)
    if (len(rows), total) != (count, pence):
        raise AssertionError(
            f"Expected {count} refund(s) of the order totalling {pence} pence, but it has "
            f"{len(rows)} totalling {total} pence."
        )


def expect_order_refund_state(
    database: Database, account: Account, placed: Placed, status: str, refunded: dict[str, int]
) -> None:
    """The order's status, and how many of each item are recorded as refunded."""
    order = _order(database, account, placed)
    if order["status"] != status:
        raise AssertionError(f"Expected the order to be {status}, but it is {order['status']}.")
    items = order_items(database, order["id"])
    recorded = {sku: row["refunded_quantity"] for sku, row in items.items()}
    expected = {sku: refunded.get(sku, 0) for sku in items}
    if recorded != expected:
        raise AssertionError(
            f"Expected the order's refunded quantities to be {expected}, but they are {recorded}."
        )


def expect_provider_refunded(
    payment_provider: PaymentProviderFake,
    database: Database,
    account: Account,
    placed: Placed,
    amounts: list[int],
) -> None:
    """The provider was asked for exactly these refunds, in order, each against the order's
    payment and with its own idempotency key."""
    intent_id = _order(database, account, placed)["payment_intent_id"]
    calls = payment_provider.refund_requests()
    asked = [int(call.form.get("amount", "-1")) for call in calls]
    if asked != amounts:
        raise AssertionError(
            f"Expected the payment provider to be asked to refund {amounts or 'nothing'} "
            f"(pence), but it was asked for {asked or 'nothing'}."
        )
    for call in calls:
        if call.form.get("payment_intent") != intent_id:
            raise AssertionError(
                f"Expected each refund to be made against the order's payment {intent_id}, but "
                f"one named {call.form.get('payment_intent')!r}."
            )
    keys = [call.headers.get("Idempotency-Key") for call in calls]
    if None in keys or len(set(keys)) != len(keys):
        raise AssertionError(
            f"Expected every refund to carry its own idempotency key, but they carried {keys}."
        )
