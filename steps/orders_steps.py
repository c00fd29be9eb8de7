"""Steps for products, customers' orders, their stock reservations and races for the last unit."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.checks import orders as checks
from support.checks.outcomes import Refusal, expect_accepted, expect_refused
from support.drivers.orders import Placed, basket
from support.drivers.wallet import CURRENCY_OF_UNIT

# ---------------------------------------------------------------- Given


@given(parsers.parse('the merchant sells "{sku}" at {price:d} pence with {stock:d} in stock'))
def merchant_sells(orders, merchant, sku, price, stock):
    orders.add_product(merchant, sku, price, stock)


@given(parsers.parse('the other merchant sells "{sku}" at {price:d} pence with {stock:d} in stock'))
def other_merchant_sells(orders, other_merchant, sku, price, stock):
    orders.add_product(other_merchant, sku, price, stock)


@given("the customer's card is declined")
def card_declined(payment_provider):
    payment_provider.declines_the_card()


@given("the payment provider takes its time to answer")
def provider_takes_its_time(payment_provider):
    payment_provider.holds_payments()


@given("the customer's card payments are still processing when orders are placed")
def payments_processing(payment_provider):
    payment_provider.leaves_card_payments_processing()


# How the payment provider may answer a card payment that is neither paid nor processing.
PAYMENT_ANSWERS = {
    "canceled": "canceled",
    "waiting for the customer to confirm it": "requires_action",
}


@given(parsers.parse("the payment provider answers the card payment as {answer}"))
def provider_answers_as(payment_provider, answer):
    payment_provider.answers_card_payments_as(PAYMENT_ANSWERS[answer])


@given("the payment provider will refuse to give the customer's money back")
def provider_will_refuse_refund(payment_provider, service_log):
    # service_log: listening from here on, for what operators are told.
    payment_provider.refuses_refunds()


@given(parsers.parse("the merchant holds stock for orders for {seconds:d} seconds"))
@when(parsers.parse("the merchant chooses to hold stock for orders for {seconds:d} seconds"))
def holds_stock_for(orders, merchant, seconds):
    orders.set_reservation_window(merchant, seconds)


@when(
    parsers.parse("the merchant tries to hold stock for orders for {seconds:d} seconds"),
    target_fixture="outcome",
)
def tries_to_hold_stock_for(orders, merchant, seconds):
    return orders.try_set_reservation_window(merchant, seconds)


@given(parsers.parse("a customer has paid for {items}"), target_fixture="placed")
def customer_has_paid(orders, merchant, items) -> Placed:
    return orders.place(merchant, basket(items))


@given(
    parsers.parse("a customer of the other merchant has paid for {items}"),
    target_fixture="other_placed",
)
def other_customer_has_paid(orders, other_merchant, items) -> Placed:
    return orders.place(other_merchant, basket(items))


@given(parsers.parse("a customer's card was declined for {items}"), target_fixture="declined")
def card_was_declined(orders, payment_provider, merchant, items) -> Placed:
    payment_provider.declines_the_card()
    return orders.place_refused(merchant, basket(items))


# ---------------------------------------------------------------- When


@when(parsers.parse('the merchant adds "{sku}" at {price:d} pence with {stock:d} in stock'))
def merchant_adds(orders, merchant, sku, price, stock):
    orders.add_product(merchant, sku, price, stock)


@when(parsers.parse('the other merchant adds "{sku}" at {price:d} pence with {stock:d} in stock'))
def other_merchant_adds(orders, other_merchant, sku, price, stock):
    orders.add_product(other_merchant, sku, price, stock)


@when(
    parsers.parse('the merchant tries to add "{sku}" at {price:d} pence with {stock:d} in stock'),
    target_fixture="outcome",
)
def merchant_tries_to_add(orders, merchant, sku, price, stock):
    return orders.try_add_product(merchant, sku, price, stock)


@when(parsers.parse('the merchant restocks {quantity:d} of "{sku}"'))
def merchant_restocks(orders, merchant, quantity, sku):
    orders.restock(merchant, sku, quantity)


BASKET = r'(?P<items>\d+ of "[^"]+"(?: and \d+ of "[^"]+")*)'


@given(
    parsers.parse(
        "the merchant sells {count:d} more products at {price:d} pence with {stock:d} in stock each"
    ),
    target_fixture="more_products",
)
def merchant_sells_more(orders, merchant, count, price, stock) -> list[str]:
    skus = [f"P-{n:02d}" for n in range(1, count + 1)]
    for sku in skus:
        orders.add_product(merchant, sku, price, stock)
    return skus


@when(
    parsers.parse("a customer orders 1 of each of those {count:d} products"),
    target_fixture="placed",
)
def customer_orders_each(orders, merchant, more_products, count) -> Placed:
    return orders.try_place(merchant, [(sku, 1) for sku in more_products[:count]])


@when(
    parsers.re(rf"a customer orders {BASKET} under a key of (?P<length>\d+) characters"),
    target_fixture="placed",
)
def customer_orders_keyed(orders, merchant, items, length) -> Placed:
    return orders.try_place(merchant, basket(items), key_length=int(length))


@when(parsers.re(rf"a customer orders {BASKET}"), target_fixture="placed")
def customer_orders(orders, merchant, items) -> Placed:
    return orders.place(merchant, basket(items))


@when(parsers.re(r"(?:a|another) customer tries to order (?P<items>.+)"), target_fixture="placed")
def customer_tries_to_order(orders, merchant, items) -> Placed:
    return orders.try_place(merchant, basket(items))


@when(
    parsers.re(r"a customer of the other merchant tries to order (?P<items>.+)"),
    target_fixture="other_placed",
)
def other_customer_tries_to_order(orders, other_merchant, items) -> Placed:
    return orders.try_place(other_merchant, basket(items))


@when(parsers.re(rf"the team member tries to order {BASKET}"), target_fixture="outcome")
def member_tries_to_order(orders, team_member, items):
    return orders.try_place(team_member, basket(items)).latest


@when(
    parsers.parse(
        'the team member tries to add "{sku}" at {price:d} pence with {stock:d} in stock'
    ),
    target_fixture="outcome",
)
def member_tries_to_add(orders, team_member, sku, price, stock):
    return orders.try_add_product(team_member, sku, price, stock)


@when(
    parsers.parse('the team member tries to restock {quantity:d} of "{sku}"'),
    target_fixture="outcome",
)
def member_tries_to_restock(orders, team_member, quantity, sku):
    return orders.try_restock(team_member, sku, quantity)


@when(
    parsers.parse("the team member tries to hold stock for orders for {seconds:d} seconds"),
    target_fixture="outcome",
)
def member_tries_to_set_hold(orders, team_member, seconds):
    return orders.try_set_reservation_window(team_member, seconds)


@when("the team member tries to refund the customer's order", target_fixture="outcome")
def member_tries_to_refund(refunds, team_member, merchant, placed):
    return refunds.try_refund_order(team_member, merchant, placed)


@when(
    parsers.parse("a customer orders {items} and the payment is under way"),
    target_fixture="placed",
)
def customer_orders_under_way(orders, payment_provider, merchant, items) -> Placed:
    placed = orders.place_under_way(merchant, basket(items))
    payment_provider.await_payment_request()
    return placed


@when("the payment provider confirms the card payment", target_fixture="placed")
def provider_confirms_payment(orders, payment_provider, placed) -> Placed:
    payment_provider.answer_held("accept")
    return orders.answer_of(placed)


@when(parsers.re(rf"another customer buys {BASKET} meanwhile"))
def another_customer_buys(orders, payment_provider, merchant, items):
    orders.place_while_one_is_held(payment_provider, merchant, basket(items))


@when(
    parsers.re(
        r"the payment provider says the order's payment (?P<outcome>succeeded|failed) now"
        r"(?P<unnamed>, without naming the order)?"
    )
)
def provider_says_now(orders, placed, outcome, unnamed):
    orders.tell_outcomes(placed, f"{outcome} now", naming_the_order=not unnamed)


@when(
    parsers.parse(
        "the payment provider's messages about the order arrive in this order: {arrivals}"
    )
)
def order_messages_arrive(orders, placed, arrivals):
    orders.tell_outcomes(placed, arrivals)


@when(
    parsers.parse(
        "the payment provider says the order's payment failed at {failed_at}, and then that "
        "it succeeded at {succeeded_at}"
    )
)
def failure_then_older_success(orders, placed, failed_at, succeeded_at, service_log):
    # service_log: listening from before the success, for what operators are told.
    orders.tell_outcomes(placed, f"failed at {failed_at}, succeeded at {succeeded_at}")


@when(
    parsers.parse(
        "the payment provider says the order's payment {outcome} before the order knows its payment"
    ),
    target_fixture="outcome",
)
def provider_says_early(orders, merchant, placed, outcome):
    return orders.tell_early(merchant, placed, outcome)


# The currency of a provider's word on an order's payment, as the provider may write it.
CURRENCY_WRITTEN = {
    **CURRENCY_OF_UNIT,
    "pence naming no currency": "",
    "pence written in capitals": "GBP",
    "pence written in mixed case": "Gbp",
}


@when(
    parsers.re(
        r"the payment provider says the order's payment succeeded for (?P<amount>\d+) "
        r"(?P<unit>pence naming no currency|pence written in capitals|pence written in mixed case"
        r"|pence|euro cents|US cents)$"
    )
)
def provider_says_succeeded_otherwise(orders, placed, amount, unit, service_log):
    # service_log: listening from before the success, for what operators are told.
    orders.tell_success_otherwise(placed, int(amount), CURRENCY_WRITTEN[unit])


@when("the platform's quick record of that message is gone")
def order_message_record_gone(orders, provider_event_memory):
    provider_event_memory.forget(orders.last_message_id())


@when(
    parsers.parse("the payment provider says a payment {which} succeeded"), target_fixture="outcome"
)
def provider_says_no_orders_payment(orders, which):
    return orders.try_tell_success_of_no_order(which)


@when(
    parsers.re(r"the payment provider says the payment it did not answer for (?P<arrivals>\w+)"),
    target_fixture="outcome",
)
@when(
    parsers.re(r"the payment provider says a second payment for the order (?P<arrivals>\w+)"),
    target_fixture="outcome",
)
@when(
    parsers.parse(
        "the payment provider's messages about the payment it did not answer for arrive in "
        "this order: {arrivals}"
    ),
    target_fixture="outcome",
)
def provider_says_unanswered(orders, merchant, placed, arrivals, service_log):
    # service_log: listening from before the provider's word, for what operators are told.
    return orders.try_tell_unanswered(merchant, placed, arrivals)


@when(
    parsers.parse(
        "the payment provider says the payment it did not answer for succeeded, naming {which}"
    ),
    target_fixture="outcome",
)
@when(
    parsers.parse("the payment provider says a second payment succeeded, naming {which}"),
    target_fixture="outcome",
)
def provider_says_unanswered_misnamed(
    orders, merchant, placed, other_merchant, other_placed, which, service_log
):
    # service_log: listening from before the provider's word, for what operators are told.
    return orders.try_tell_unanswered_misnamed(
        merchant, placed, other_merchant, other_placed, which
    )


@when("the payment provider sends its word again")
def provider_sends_again(orders):
    orders.tell_again()


@when("the payment provider sends its word again, in a new message")
def provider_sends_again_anew(orders):
    orders.tell_again_anew()


@then("the platform has recorded each of the payment provider's messages once")
def each_message_recorded_once(database, cache, orders):
    checks.expect_each_event_recorded_once(database, cache, orders.message_ids())


@when("the payment provider sends its word again, once the platform's quick record of it is gone")
def provider_sends_again_forgotten(orders, provider_event_memory):
    provider_event_memory.forget(orders.last_message_id())
    orders.tell_again()


@when("the payment provider answers that the card payment is processing", target_fixture="placed")
def provider_answers_processing(orders, payment_provider, placed) -> Placed:
    payment_provider.answer_held("accept")
    return orders.answer_of(placed)


@when("the payment provider declines the card", target_fixture="placed")
def provider_declines(orders, payment_provider, placed) -> Placed:
    payment_provider.answer_held("decline")
    return orders.answer_of(placed)


@when("the hold has a moment left")
def hold_nearly_over(cache, database, merchant, placed):
    checks.wait_for_reservation_end(cache, database, merchant.organisation_id, placed.request, -500)


@when("the hold has just run out")
def hold_run_out(cache, database, merchant, placed):
    checks.wait_for_reservation_end(cache, database, merchant.organisation_id, placed.request, 100)


@when(parsers.parse("the shop asks for an order by {which}"), target_fixture="outcome")
def shop_asks_by_key(orders, merchant, which):
    return orders.try_find_by_key(merchant, which, None)


@when(
    parsers.parse("the other merchant's shop asks for an order by {which}"),
    target_fixture="outcome",
)
def other_shop_asks_by_key(orders, other_merchant, placed, which):
    return orders.try_find_by_key(other_merchant, which, placed)


@when(parsers.parse("the shop sends an order {flaw}"), target_fixture="outcome")
def shop_sends_flawed(orders, merchant, flaw):
    return orders.try_send_flawed(merchant, flaw)


@when(
    parsers.re(rf"the other merchant's shop sends an order with the same key for {BASKET}"),
    target_fixture="other_placed",
)
def other_shop_same_key(orders, other_merchant, placed, items) -> Placed:
    return orders.send_again(other_merchant, Placed(placed.request), basket(items))


@when("the shop sends the same order again while it is being placed", target_fixture="outcome")
def shop_sends_again_while_placed(orders, merchant, placed):
    return orders.try_send_again(merchant, placed)


@then("the repeat is refused because the order is still being placed")
def repeat_refused_in_progress(outcome, leaks):
    expect_refused(outcome, Refusal.ORDER_BEING_PLACED, leaks)


@when("the shop sends the same order again", target_fixture="placed")
def same_order_again(orders, merchant, placed) -> Placed:
    return orders.send_again(merchant, placed)


@when(parsers.parse("the shop sends the same key with {items}"), target_fixture="placed")
def same_key_other_basket(orders, merchant, placed, items) -> Placed:
    return orders.send_again(merchant, placed, basket(items))


@when(
    parsers.parse('{count:d} customers order {quantity:d} of "{sku}" at the same moment'),
    target_fixture="outcomes",
)
def customers_race(orders, merchant, count, quantity, sku):
    return orders.place_at_once(merchant, [(sku, quantity)], count)


# ---------------------------------------------------------------- Then


@then(parsers.parse('the merchant sells "{sku}" at {price:d} pence with {stock:d} in stock'))
def merchant_product_is(orders, database, merchant, sku, price, stock):
    checks.expect_product(orders, database, merchant, sku, price, stock)


@then(parsers.parse('the other merchant sells "{sku}" at {price:d} pence with {stock:d} in stock'))
def other_product_is(orders, database, other_merchant, sku, price, stock):
    checks.expect_product(orders, database, other_merchant, sku, price, stock)


@then(parsers.parse('the merchant does not sell "{sku}"'))
def merchant_does_not_sell(orders, merchant, sku):
    checks.expect_not_sold(orders, merchant, sku)


@then(parsers.parse("the merchant's orders hold their units for {seconds:d} seconds"))
def orders_hold_for(database, merchant, seconds):
    checks.expect_hold_window(database, merchant, seconds)


@when(
    parsers.parse('the merchant tries to add "{sku}" named in {length:d} characters'),
    target_fixture="outcome",
)
def merchant_tries_to_add_named(orders, merchant, sku, length):
    return orders.try_add_product(merchant, sku, 1250, 5, name=("Mug, blue. " * 20)[:length])


@when(
    parsers.parse("the merchant tries to add a product with a SKU of {length:d} characters"),
    target_fixture="outcome",
)
def merchant_tries_to_add_sku_of(orders, merchant, length):
    return orders.try_add_product(merchant, ("MUG-01." * 10)[:length], 1250, 5)


@then("the product is added")
def product_added(outcome):
    expect_accepted(outcome, 201, "add the product")


@when(parsers.parse('the merchant tries to restock {units:d} of "{sku}"'), target_fixture="outcome")
def merchant_tries_to_restock(orders, merchant, units, sku):
    return orders.try_restock(merchant, sku, units)


@then("the product is refused as invalid")
@then("the restock is refused as invalid")
def product_refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("the restock is done")
def restock_done(outcome):
    expect_accepted(outcome, 200, "restock the product")


@then("the product is refused because it already exists")
def product_exists(outcome, leaks):
    expect_refused(outcome, Refusal.ALREADY_EXISTS, leaks)


@then("the other merchant's order is paid")
def other_order_paid(database, other_merchant, other_placed):
    checks.expect_paid(other_placed.latest, database, other_merchant)


@then("the order is paid")
def order_is_paid(database, merchant, placed):
    checks.expect_paid(placed.latest, database, merchant)


@then(
    parsers.re(
        r"the order is refused (?:as )?(?P<reason>out of stock|because the card was declined"
        r"|a repeat with a different basket|because card payments are not available"
        r"|because its items sold out before the card payment went through)"
    )
)
def order_refused(placed, leaks, reason):
    checks.expect_refused_as(placed.latest, reason, leaks)


@then(
    parsers.parse(
        "the payment provider was asked to charge exactly {pence:d} pence for the order, once, "
        "with its idempotency key"
    )
)
def charged_once(payment_provider, placed, pence):
    checks.expect_charged_once(payment_provider, pence, placed)


@then(parsers.re(r"the payment provider was asked to charge a card (?P<count>\d+) times?"))
def card_charges(payment_provider, count):
    checks.expect_card_charges(payment_provider, int(count))


@then(parsers.re(r'the stock of "(?P<sku>[^"]+)" is (?P<units>\d+)'))
def stock_is(database, merchant, sku, units):
    checks.expect_stock(database, merchant.organisation_id, sku, int(units))


@then(parsers.re(r'(?P<units>\d+) of "(?P<sku>[^"]+)" (?:is|are) available'))
def available(orders, merchant, units, sku):
    checks.expect_available(orders, merchant, sku, int(units))


@then("the order holds no reservations")
def no_reservations(cache, database, merchant, placed):
    checks.expect_no_reservations(cache, database, merchant.organisation_id, placed.request)


@then(parsers.parse('the order holds {quantity:d} of "{sku}" for close to {seconds:d} seconds'))
def holds_reservation(cache, database, merchant, placed, quantity, sku, seconds):
    checks.expect_reserved(
        cache,
        database,
        merchant.organisation_id,
        placed.request,
        {sku: quantity},
        seconds,
        placed.sent_at,
    )


@then(parsers.re(r"the order is recorded as (?P<status>paid|failed)"))
def order_recorded(database, merchant, placed, status):
    checks.expect_order_recorded(database, merchant.organisation_id, placed.request, status)


@then("the order awaits its card payment")
def order_awaits_payment(database, merchant, placed):
    checks.expect_awaiting_payment(placed.latest, database, merchant)


@then(
    parsers.re(
        r"the merchant sees that the order needs review(?P<once>, once,)? because (?P<words>.+)"
    )
)
def order_shown_for_review(orders, merchant, placed, once, words):
    checks.expect_shown_for_review(orders, merchant, placed.request, words, once=bool(once))


@then(
    parsers.re(
        r"the merchant sees that the order, still (?P<status>paid|awaiting its card payment), "
        r"needs review because (?P<words>.+?)(?P<second>, naming the second payment)?$"
    )
)
def order_shown_for_review_still(orders, merchant, placed, status, words, second):
    status = "paid" if status == "paid" else "awaiting_payment"
    payment = orders.last_payment_id() if second else None
    checks.expect_shown_for_review(orders, merchant, placed.request, words, status, payment)


@then("the merchant sees that the paid order needs review for each of the two second payments")
def order_shown_for_review_twice(orders, merchant, placed):
    for payment in orders.last_payment_ids(2):
        words = "the customer was charged a second time for this order: 2500 GBP"
        checks.expect_shown_for_review(orders, merchant, placed.request, words, "paid", payment)


@then(
    parsers.re(r"the order is still (?P<status>paid|awaiting its card payment), by its own payment")
)
def order_keeps_own_payment(database, payment_provider, merchant, placed, status):
    status = "paid" if status == "paid" else "awaiting_payment"
    checks.expect_own_payment(database, payment_provider, merchant, placed.request, status)


@then("the order needs no review")
def order_not_for_review(orders, merchant, placed):
    checks.expect_not_for_review(orders, merchant, placed.request)


@then("the platform's operators are alerted that the order needs review")
def operators_alerted_order(service_log, database, merchant, placed):
    checks.expect_review_logged(service_log, database, merchant, placed.request)


@then("the platform's operators are alerted that the order needs review, naming the payment taken")
def operators_alerted_order_payment(orders, service_log, database, merchant, placed):
    payment = orders.last_payment_id()
    checks.expect_review_logged(service_log, database, merchant, placed.request, also=payment)


@then("the platform's operators are alerted once that the order needs review")
def operators_alerted_order_once(service_log, database, merchant, placed):
    checks.expect_review_logged(service_log, database, merchant, placed.request, times=1)


@then(checks.NOT_ALERTED)
def operators_not_alerted(service_log):
    checks.expect_no_error_logged(service_log)


@then("the other merchant's order is recorded as failed and needs no review")
def other_order_failed_unreviewed(orders, database, other_merchant, other_placed):
    org_id = other_merchant.organisation_id
    checks.expect_order_recorded(database, org_id, other_placed.request, "failed")
    checks.expect_not_for_review(orders, other_merchant, other_placed.request)


@then("the other merchant's order is recorded as paid and needs no review")
def other_order_paid_unreviewed(orders, database, other_merchant, other_placed):
    org_id = other_merchant.organisation_id
    checks.expect_order_recorded(database, org_id, other_placed.request, "paid")
    checks.expect_not_for_review(orders, other_merchant, other_placed.request)


@then("the payment provider is told to send its word again later")
def provider_told_to_resend(outcome, leaks):
    expect_refused(outcome, Refusal.ORDER_BEING_PLACED, leaks)


@then("the order's idempotency key is remembered")
def key_remembered(cache, database, merchant, placed):
    checks.expect_key_remembered(cache, database, merchant.organisation_id, placed.request)


@then("the same paid order is returned")
def same_order(placed):
    checks.expect_same_order(placed)


@then(parsers.parse('the order is refused because "{sku}" is not sold here'))
def order_refused_naming(placed, leaks, sku):
    checks.expect_refused_naming(placed, sku, leaks)


@then("the order is refused as invalid")
def order_refused_invalid(placed, leaks):
    expect_refused(placed.latest, Refusal.INVALID, leaks)


@then("the order request is refused as invalid")
def order_request_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("the order request is refused because it is not found")
def order_request_not_found(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_FOUND, leaks)


@then("the order request is refused because the role does not allow it")
def order_request_forbidden(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_ALLOWED, leaks)


@then("the merchant has no orders")
def merchant_has_no_orders(database, merchant):
    checks.expect_only_orders(database, merchant.organisation_id, [])


@then(parsers.re(r"the merchant has (?P<count>\d+) (?P<status>paid|failed) orders?"))
def merchant_has_orders(database, merchant, count, status):
    checks.expect_only_orders(database, merchant.organisation_id, [status] * int(count))


@then("exactly one order is paid and the others are refused as out of stock")
def one_paid(outcomes, database, merchant):
    checks.expect_one_paid_rest_out_of_stock(outcomes, database, merchant)
