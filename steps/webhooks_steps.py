"""Steps for webhooks both ways: the payment provider's messages, and merchants' subscriptions,
their deliveries and the delivery worker."""

from __future__ import annotations

import re
from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from support.checks import webhooks as checks
from support.checks.outcomes import Refusal, expect_refused
from support.drivers.orders import basket
from support.drivers.wallet import CONFIRMATION_CHANGES
from support.drivers.webhooks import (
    INVALID_EVENT_TYPES,
    PUBLIC_ADDRESSES,
    UNSAFE_ADDRESSES,
    Subscription,
)

WHOSE = r"(?P<whose>merchant|other merchant)"
BASKET = r'(?P<items>\d+ of "[^"]+"(?: and \d+ of "[^"]+")*)'
# How long a receiver that "takes a moment" takes: long enough for two racing workers to meet.
A_MOMENT_SECONDS = 0.3


def _kinds(text: str) -> list[str]:
    return re.split(r", | and ", text)


# ---------------------------------------------------------------- Given: receivers


@given(parsers.re(rf"the {WHOSE}'s receiver accepts deliveries"))
def receiver_accepts(receivers, whose):
    receivers.of(whose).accepts()


@given(parsers.re(rf"the {WHOSE}'s receiver accepts deliveries after a moment"))
def receiver_accepts_after_a_moment(receivers, whose):
    receivers.of(whose).accepts_after_a_moment(A_MOMENT_SECONDS)


@given(parsers.re(rf"the {WHOSE}'s receiver is down"))
def receiver_down(receivers, whose):
    receivers.of(whose).is_down()


@given(parsers.re(rf"the {WHOSE}'s receiver refuses connections"))
def receiver_refuses(receivers, whose):
    receivers.of(whose).refuses_connections()


@given(parsers.re(rf"the {WHOSE}'s receiver answers after (?P<seconds>\d+) seconds"))
def receiver_slow(receivers, whose, seconds):
    receivers.of(whose).answers_after(int(seconds))


@given(parsers.re(rf"the {WHOSE}'s receiver takes deliveries answering (?P<status>\d{{3}})\b.*"))
def receiver_accepts_answering(receivers, whose, status):
    receivers.of(whose).accepts_answering(int(status))


@given(parsers.re(rf"the {WHOSE}'s receiver redirects deliveries elsewhere"))
def receiver_redirects(receivers, whose):
    receivers.of(whose).redirects()


@given(parsers.re(rf"the {WHOSE}'s receiver fails (?P<times>\d+) times, then accepts deliveries"))
def receiver_fails_then_accepts(receivers, whose, times):
    receivers.of(whose).fails_then_accepts(int(times))


# ---------------------------------------------------------------- subscriptions


@given(
    parsers.re(r"the merchant has subscribed its receiver to (?P<kinds>.+)"),
    target_fixture="subscription",
)
@when(
    parsers.re(r"the merchant subscribes its receiver to (?P<kinds>.+)"),
    target_fixture="subscription",
)
def merchant_subscribes(webhooks, receivers, merchant, kinds) -> Subscription:
    return webhooks.subscribe(merchant, receivers.of("merchant").url, _kinds(kinds))


@given(
    parsers.re(r"the merchant has (?P<count>\d+) subscriptions of its receiver to (?P<kinds>.+)")
)
def merchant_subscribes_many(webhooks, receivers, merchant, count, kinds):
    for _ in range(int(count)):
        webhooks.subscribe(merchant, receivers.of("merchant").url, _kinds(kinds))


@given(
    parsers.re(r"the other merchant has subscribed its receiver to (?P<kinds>.+)"),
    target_fixture="other_subscription",
)
def other_subscribes(webhooks, receivers, other_merchant, kinds) -> Subscription:
    return webhooks.subscribe(other_merchant, receivers.of("other merchant").url, _kinds(kinds))


@when(
    parsers.re(r"the merchant subscribes a receiver at (?P<address>.+) to wallet top-ups"),
    target_fixture="subscription",
)
def merchant_subscribes_public(webhooks, merchant, address) -> Subscription:
    return webhooks.subscribe(merchant, PUBLIC_ADDRESSES[address], ["wallet top-ups"])


@when(
    parsers.re(r"the merchant tries to subscribe (?P<address>.+) to wallet top-ups"),
    target_fixture="outcome",
)
def tries_to_subscribe_unsafe(webhooks, merchant, address):
    return webhooks.try_subscribe(merchant, UNSAFE_ADDRESSES[address], ["wallet.topped_up"])


@when(
    parsers.re(r"the merchant tries to subscribe a receiver to (?P<kinds>.+)"),
    target_fixture="outcome",
)
def tries_to_subscribe_to(webhooks, receivers, merchant, kinds):
    return webhooks.try_subscribe(
        merchant, receivers.of("merchant").url, INVALID_EVENT_TYPES[kinds]
    )


@when("the team member tries to subscribe a receiver to wallet top-ups", target_fixture="outcome")
def member_tries_to_subscribe(webhooks, receivers, team_member):
    return webhooks.try_subscribe(team_member, receivers.of("merchant").url, ["wallet.topped_up"])


@given("the merchant's receiver's address has since come to lead to the platform's own machine")
def address_now_leads_inside(record_changes, merchant, subscription):
    record_changes.lead_subscription_to(
        merchant, subscription.id, UNSAFE_ADDRESSES["the platform's own machine by name"]
    )


# ---------------------------------------------------------------- the delivery worker


@when("the delivery worker runs", target_fixture="run")
def worker_runs(webhooks, merchant):
    return webhooks.run_worker([merchant])


@when("the delivery worker runs for both merchants")
def worker_runs_for_both(webhooks, merchant, other_merchant):
    webhooks.run_worker([merchant, other_merchant])


@when(
    parsers.parse("the delivery worker runs {minutes:d} minutes after the last attempt"),
    target_fixture="run",
)
@when(
    parsers.parse("the delivery worker runs {minutes:d} minute after the last attempt"),
    target_fixture="run",
)
def worker_runs_later(webhooks, merchant, minutes):
    return webhooks.run_worker([merchant], after=timedelta(minutes=minutes))


@when("two delivery workers run at the same moment")
def workers_race(webhooks, merchant):
    webhooks.run_workers_together([merchant], 2)


@when("the merchant tries to run the delivery worker", target_fixture="outcome")
def merchant_tries_to_run(webhooks, merchant):
    return webhooks.try_run_worker_as(merchant)


@when(
    "the other merchant asks for the merchant's subscription's deliveries",
    target_fixture="outcome",
)
def other_asks_for_deliveries(webhooks, other_merchant, subscription):
    return webhooks.try_deliveries(other_merchant, subscription.id)


# ---------------------------------------------------------------- the payment provider's messages


@when(
    "the payment provider sends a properly signed message that cannot be read",
    target_fixture="outcome",
)
def unreadable_message(wallet):
    return wallet.events.try_deliver(wallet.events.unreadable())


CHANGED = "|".join(re.escape(name) for name in CONFIRMATION_CHANGES)


@when(
    parsers.re(rf"the payment provider sends a properly signed confirmation (?P<how>{CHANGED})"),
    target_fixture="outcome",
)
@when(parsers.re(rf"the payment provider confirms the payment, (?P<how>{CHANGED})"))
def confirmation_changed(wallet, top_up, how):
    return wallet.events.try_deliver(wallet.payment_succeeded_otherwise(top_up, how))


@when("the platform's quick record of the confirmation is gone")
def quick_record_gone(provider_event_memory, confirmation):
    provider_event_memory.forget(confirmation.event["id"])


@when("the payment provider confirms the payment, signing with its own library")
def confirms_with_provider_library(wallet, top_up):
    wallet.events.deliver(
        wallet.events.signed_by_provider_library(wallet.payment_succeeded(top_up).event)
    )


# ---------------------------------------------------------------- Then


@then(parsers.re(rf"the {WHOSE}'s receiver has received (?P<count>\d+) deliver(?:y|ies)$"))
def receiver_received(receivers, whose, count):
    checks.expect_received(receivers.of(whose), int(count), f"the {whose}'s receiver")


@then(parsers.parse("the merchant's receiver has received {count:d} deliveries, each once"))
def received_each_once(receivers, count):
    checks.expect_each_message_once(receivers.of("merchant"), count)


@then("every delivery verifies with the secret the merchant was shown")
def every_delivery_verifies(receivers, subscription):
    checks.expect_every_delivery_verifies(receivers.of("merchant"), subscription.secret)


@then(parsers.parse("the delivery says the wallet was topped up with {credits:d} credits"))
def delivery_says_topped_up(receivers, credits):
    checks.expect_delivery_says(
        receivers.of("merchant"), "wallet.topped_up", {"amount_pence": credits}
    )


@then("the delivery says onboarding was completed")
def delivery_says_completed(receivers):
    checks.expect_delivery_says(receivers.of("merchant"), "onboarding.completed", {})


@then(
    parsers.re(
        rf"the delivery says the customer's order was paid: (?P<pence>\d+) pence for {BASKET}"
    )
)
def delivery_says_order_paid(receivers, placed, pence, items):
    checks.expect_order_paid_announced(
        receivers.of("merchant"), placed.latest.json(), int(pence), dict(basket(items))
    )


@then(
    parsers.re(
        rf"the delivery says (?P<pence>\d+) pence of the customer's order were refunded, "
        rf"for {BASKET}"
    )
)
def delivery_says_refunded(receivers, placed, pence, items):
    checks.expect_refund_announced(
        receivers.of("merchant"), placed.latest.json(), int(pence), dict(basket(items))
    )


@then(
    parsers.re(
        r"the delivery says (?P<refunded>\d+) of the order's (?P<total>\d+) pence are refunded "
        r"in all, so it is (?P<state>fully|partly) refunded"
    )
)
def delivery_says_refunded_in_all(receivers, refunded, total, state):
    checks.expect_refunded_in_all(
        receivers.of("merchant"), int(refunded), int(total), state == "fully"
    )


@then(
    parsers.re(
        r"the merchant sees the delivery (?P<status>delivered|pending|failed) after "
        r"(?P<attempts>\d+) attempts?"
    )
)
def merchant_sees_delivery(webhooks, merchant, subscription, status, attempts):
    checks.expect_delivery_seen(webhooks, merchant, subscription, status, int(attempts))


@then(
    parsers.re(r"the merchant sees the next attempt due (?P<minutes>\d+) minutes? after the last")
)
def next_attempt_due(webhooks, merchant, subscription, minutes):
    checks.expect_next_attempt_after(webhooks, merchant, subscription, int(minutes))


@then(
    parsers.re(
        r"the run reports (?P<processed>\d+) deliver(?:y|ies) attempted: (?P<delivered>\d+) "
        r"delivered, (?P<retrying>\d+) to be tried again and (?P<failed>\d+) failed for good"
    )
)
def run_reports(run, processed, delivered, retrying, failed):
    checks.expect_run_reported(
        run,
        {
            "processed": int(processed),
            "delivered": int(delivered),
            "retrying": int(retrying),
            "failed": int(failed),
        },
    )


@then(parsers.parse('the merchant sees that the last attempt got "{answer}"'))
def last_attempt_got(webhooks, merchant, subscription, answer):
    checks.expect_last_answer_says(webhooks, merchant, subscription, answer)


@then("every attempt was marked as the same message, so the merchant can tell it is a repeat")
def same_message_id(receivers):
    checks.expect_one_message_id(receivers.of("merchant"))


@then(parsers.parse("the platform recorded the wallet top-up with {count:d} delivery"))
def recorded_with_deliveries(database, merchant, count):
    checks.expect_deliveries_per_event(
        database, merchant.organisation_id, {"wallet.topped_up": count}
    )


@then(parsers.parse("the platform recorded the order's payment with {count:d} delivery"))
def recorded_payment_with_deliveries(database, merchant, count):
    checks.expect_deliveries_per_event(database, merchant.organisation_id, {"order.paid": count})


@then(
    parsers.parse(
        "the platform recorded the order's payment and its refund, each with {count:d} deliveries"
    )
)
def recorded_payment_and_refund(database, merchant, count):
    checks.expect_deliveries_per_event(
        database, merchant.organisation_id, {"order.paid": count, "order.refunded": count}
    )


@then("the platform recorded no event for the merchant")
def recorded_no_event(database, merchant):
    checks.expect_deliveries_per_event(database, merchant.organisation_id, {})


@then("the signing secret was shown once and is never shown again")
def secret_shown_once(webhooks, merchant, subscription):
    checks.expect_secret_shown_once(webhooks, merchant, subscription)


@then("the merchant's subscriptions list it at that address")
def subscription_listed(webhooks, merchant, subscription):
    checks.expect_subscription_listed(webhooks, merchant, subscription)


@then("the subscription is refused as invalid")
@then("the message is refused as invalid")
def refused_as_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("nothing is saved for the merchant")
def nothing_saved(database, merchant):
    checks.expect_refused_nothing_saved(database, merchant.organisation_id)


@then("the deliveries are reported as not found")
def deliveries_not_found(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_FOUND, leaks)


@then("the run is refused because the caller is not an operator")
def run_refused(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_SIGNED_IN, leaks)
