"""Steps for refunds of customers' orders, whole or in part."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when

from support.checks import refunds as checks
from support.checks.outcomes import Refusal, expect_refused
from support.drivers.orders import basket

BASKET = r'(?P<items>\d+ of "[^"]+"(?: and \d+ of "[^"]+")*)'


@given("the payment provider accepts refunds")
def provider_accepts_refunds(payment_provider):
    payment_provider.accepts_refunds()


@given("the payment provider refuses refunds")
def provider_refuses_refunds(payment_provider):
    payment_provider.refuses_refunds()


@given(parsers.re(rf"the merchant has refunded {BASKET}"))
def has_refunded(refunds, merchant, placed, items):
    refunds.refund_order(merchant, placed, basket(items))


# ---------------------------------------------------------------- When


@when("the merchant refunds the whole order", target_fixture="refund")
def refunds_whole(refunds, merchant, placed):
    return refunds.refund_order(merchant, placed)


@when(parsers.re(rf"the merchant refunds {BASKET}"), target_fixture="refund")
def refunds_some(refunds, merchant, placed, items):
    return refunds.refund_order(merchant, placed, basket(items))


@when(
    parsers.re(rf'the merchant refunds {BASKET} with the key "(?P<key>[^"]+)"'),
    target_fixture="keyed_refunds",
)
def refunds_some_keyed(refunds, merchant, placed, items, key):
    return [refunds.try_refund_order(merchant, merchant, placed, basket(items), key)]


@when(
    parsers.re(
        rf'the merchant sends the same refund of {BASKET} again with the key "(?P<key>[^"]+)"'
    )
)
def sends_refund_again(refunds, merchant, placed, keyed_refunds, items, key):
    keyed_refunds.append(refunds.try_refund_order(merchant, merchant, placed, basket(items), key))


@when(
    parsers.re(rf'the merchant tries to refund {BASKET} with the same key "(?P<key>[^"]+)"'),
    target_fixture="outcome",
)
def tries_to_refund_keyed(refunds, merchant, placed, items, key):
    return refunds.try_refund_order(merchant, merchant, placed, basket(items), key)


@when(parsers.re(rf"the merchant tries to refund {BASKET}"), target_fixture="outcome")
def tries_to_refund_some(refunds, merchant, placed, items):
    return refunds.try_refund_order(merchant, merchant, placed, basket(items))


@when("the merchant tries to refund the whole order", target_fixture="outcome")
def tries_to_refund_whole(refunds, merchant, placed):
    return refunds.try_refund_order(merchant, merchant, placed)


@when("the merchant tries to refund the declined order", target_fixture="outcome")
def tries_to_refund_declined(refunds, merchant, declined):
    return refunds.try_refund_order(merchant, merchant, declined)


@when("the other merchant tries to refund the merchant's order", target_fixture="outcome")
def other_tries_to_refund(refunds, merchant, other_merchant, placed):
    return refunds.try_refund_order(other_merchant, merchant, placed)


# ---------------------------------------------------------------- Then


@then(parsers.parse("the refund is of {pence:d} pence"))
def refund_is_of(refund, database, merchant, placed, pence):
    checks.expect_refund_of(refund, database, merchant, placed, pence)


@then(parsers.re(rf"the refund names only {BASKET}"))
def refund_names_only(refund, items):
    checks.expect_refund_names(refund, basket(items))


@then(
    parsers.re(
        r"the payment provider was asked to refund (?P<amounts>[\d ,and]+) pence "
        r"of the order's payment"
    )
)
def provider_refunded(payment_provider, database, merchant, placed, amounts):
    asked = [int(amount) for amount in re.findall(r"\d+", amounts)]
    checks.expect_provider_refunded(payment_provider, database, merchant, placed, asked)


@then("the payment provider was not asked for a refund")
def provider_not_asked(payment_provider, database, merchant, placed):
    checks.expect_provider_refunded(payment_provider, database, merchant, placed, [])


@then(parsers.re(rf"the order is refunded, with {BASKET} refunded"))
def order_refunded(database, merchant, placed, items):
    checks.expect_order_refund_state(database, merchant, placed, "refunded", dict(basket(items)))


@then(parsers.re(rf"the order is still paid, with {BASKET} refunded"))
def order_partly_refunded(database, merchant, placed, items):
    checks.expect_order_refund_state(database, merchant, placed, "paid", dict(basket(items)))


@then("the order is still paid, with nothing refunded")
def order_not_refunded(database, merchant, placed):
    checks.expect_order_refund_state(database, merchant, placed, "paid", {})


@then(parsers.re(r"the order has (?P<count>\d+) refunds? totalling (?P<pence>\d+) pence"))
def refunds_total(database, merchant, placed, count, pence):
    checks.expect_refunds_total(database, merchant, placed, int(count), int(pence))


@then("the declined order is still failed, with nothing refunded")
def declined_still_failed(database, merchant, declined):
    checks.expect_order_refund_state(database, merchant, declined, "failed", {})


@then(parsers.parse("the declined order has {count:d} refunds totalling {pence:d} pence"))
def declined_refunds_total(database, merchant, declined, count, pence):
    checks.expect_refunds_total(database, merchant, declined, count, pence)


@then(parsers.parse("both answers name the same refund of {pence:d} pence"))
def both_answers_same_refund(keyed_refunds, database, merchant, placed, pence):
    checks.expect_same_refund_answered(keyed_refunds, database, merchant, placed, pence)


@then("the refund is refused as more than is left")
def refused_too_much(outcome, leaks):
    expect_refused(outcome, Refusal.REFUND_TOO_LARGE, leaks)


@then("the refund is refused because the order is not paid")
def refused_not_paid(outcome, leaks):
    expect_refused(outcome, Refusal.ORDER_NOT_PAID, leaks)


@then("the refund is refused as invalid")
def refund_refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("the refund is reported as not found")
def refund_not_found(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_FOUND, leaks)


@then("the merchant is told the refund could not be made")
def refund_provider_refused(outcome, leaks):
    expect_refused(outcome, Refusal.PROVIDER_FAILED, leaks)
