"""Steps for the wallet, top-ups, the payment provider's messages and the phone number."""

from __future__ import annotations

import re
import uuid

import pytest
from pytest_bdd import given, parsers, then, when

from support.checks import wallet as checks
from support.checks.outcomes import Refusal, expect_accepted, expect_refused, expect_same_refusal
from support.drivers.wallet import CURRENCY_OF_UNIT, TopUp
from support.providers.fakes import plan_trouble
from support.target.run import Deployment

# How a product owner writes a top-up amount, and what the merchant's app would send.
TOP_UP_AMOUNTS = {
    "a negative amount": -500,
    "a fraction of a credit": 20.5,
    "an amount written as words": "twenty pounds",
}
LEDGER_REQUESTS = {
    "a page of 0 entries": (0, 0),
    "a page of 101 entries": (101, 0),
    "a negative start": (10, -1),
    "a start past a billion entries": (10, 1_000_000_001),
    "the furthest start": (10, 10_000_000),
    "a start one past the furthest": (10, 10_000_001),
    "a start past the largest number the database holds": (10, 2**63),
}
SLOW_TELEPHONY_SECONDS = 0.3


@pytest.fixture
def ledger_mark() -> dict[str, int]:
    """How many ledger entries the merchant had before the scenario's action."""
    return {"entries": 0}


def _amount(text: str) -> object:
    if text in TOP_UP_AMOUNTS:
        return TOP_UP_AMOUNTS[text]
    return int(text.removesuffix(" credits"))


# ---------------------------------------------------------------- Given


@given("the merchant's card payments go through")
def payments_go_through(payment_provider):
    payment_provider.accepts_payment_intents()


@given("the payment provider declines the merchant's card")
def card_declined(payment_provider):
    payment_provider.declines_the_card()


@given(parsers.re(r"the payment provider (?P<trouble>is down|does not answer)"))
def payment_provider_trouble(payment_provider, trouble):
    plan_trouble(payment_provider, trouble)


@given(
    parsers.parse("the merchant has asked to top up {credits:d} credits"),
    target_fixture="top_up",
)
def has_asked_to_top_up(wallet, merchant, credits) -> TopUp:
    return wallet.top_up(merchant, credits)


@given(
    parsers.parse("another merchant has asked to top up {credits:d} credits"),
    target_fixture="other_top_up",
)
def other_has_asked_to_top_up(cast, wallet, credits) -> TopUp:
    return wallet.top_up(cast.other_merchant(), credits)


@given(parsers.parse("the merchant's wallet has been topped up with {credits:d} credits"))
@when(parsers.parse("the merchant's wallet is then topped up with {credits:d} credits"))
def topped_up(wallet, database, merchant, ledger_mark, credits):
    wallet.fund(merchant, credits)
    ledger_mark["entries"] = len(checks.ledger(database, merchant.organisation_id))


@given(parsers.parse("the merchant has made {count:d} small purchases"))
def small_purchases(wallet, merchant, count):
    for number in range(count):
        wallet.spend(merchant, 100, f"Text message bundle {number + 1}")


@given("the telephony provider sells numbers")
def telephony_sells(telephony_provider):
    telephony_provider.sells_numbers()


@given("the telephony provider takes a moment to answer")
def telephony_slow(telephony_provider):
    telephony_provider.sells_numbers(answer_after_seconds=SLOW_TELEPHONY_SECONDS)


@given(
    parsers.parse("the telephony provider sells numbers of {digits:d} digits after the plus sign")
)
def telephony_digits(telephony_provider, digits):
    telephony_provider.sells_numbers_of(digits)


@given("the telephony provider sells numbers written in a national form, not an international one")
def telephony_malformed(telephony_provider):
    telephony_provider.sells_malformed_numbers()


@given("the telephony provider will not take numbers back")
def telephony_keeps_numbers(telephony_provider, service_log):
    # service_log: listening from here on, for what operators are told.
    telephony_provider.will_not_take_numbers_back()


@given("the merchant's phone number cannot be saved")
def number_cannot_be_saved(faults, merchant):
    faults.phone_number_writes_fail(merchant.organisation_id)


@given(parsers.re(r"the telephony provider (?P<trouble>is down|does not answer)"))
def telephony_trouble(telephony_provider, trouble):
    plan_trouble(telephony_provider, trouble)


@given("a phone number the telephony provider failed to deliver was refunded")
def failed_number_refunded(wallet, telephony_provider, merchant, leaks):
    telephony_provider.is_down()
    expect_refused(wallet.try_provision_number(merchant), Refusal.PROVIDER_FAILED, leaks)
    telephony_provider.sells_numbers()


@given(
    parsers.parse("{count:d} merchants have each topped up their wallet with {credits:d} credits"),
    target_fixture="crowd",
)
def crowd_with_credits(merchants_everywhere, count, credits):
    return merchants_everywhere.crowd_with_credits(count, credits)


@given("the merchant has a dedicated phone number", target_fixture="phone_number")
def has_phone_number(wallet, telephony_provider, merchant) -> str:
    return wallet.provision_number(merchant)


@given("the platform has been deployed without the telephony provider's credentials")
def deployed_without_credentials(wallet, second_deployment):
    wallet.buy_numbers_through(second_deployment(Deployment.WITHOUT_TELEPHONY))


@given("the platform has been deployed without the payment provider's credentials")
def deployed_without_payment_credentials(wallet, second_deployment):
    wallet.top_up_through(second_deployment(Deployment.WITHOUT_PAYMENTS))


# ---------------------------------------------------------------- When


@when(parsers.parse("the merchant tops up {credits:d} credits"), target_fixture="top_up")
def tops_up(wallet, merchant, credits) -> TopUp:
    return wallet.top_up(merchant, credits)


@when(parsers.parse("the merchant tries to top up {amount}"), target_fixture="outcome")
def tries_to_top_up(wallet, merchant, amount):
    return wallet.try_top_up(merchant, _amount(amount))


@when("the payment provider confirms the payment", target_fixture="confirmation")
def provider_confirms(wallet, top_up):
    confirmation = wallet.payment_succeeded(top_up)
    wallet.events.deliver(confirmation)
    return confirmation


# The currency the top-up was asked in, written as a provider might: the same currency.
CURRENCY_SPELLED = {"in capitals": "GBP", "in mixed case": "Gbp"}


@when(
    parsers.parse("the payment provider confirms the payment, writing its currency {spelling}"),
    target_fixture="confirmation",
)
def provider_confirms_spelled(wallet, top_up, spelling):
    confirmation = wallet.payment_succeeded(top_up, currency=CURRENCY_SPELLED[spelling])
    wallet.events.deliver(confirmation)
    return confirmation


@when(
    parsers.re(
        r"the payment provider confirms a payment of (?P<amount>\d+) "
        r"(?P<unit>pence|euro cents|US cents)"
        r" for the top-up"
    ),
    target_fixture="confirmation",
)
def provider_confirms_other(wallet, top_up, amount, unit, service_log):
    # service_log: listening from before the confirmation, for what operators are told.
    confirmation = wallet.payment_succeeded(
        top_up, amount_received=int(amount), currency=CURRENCY_OF_UNIT[unit]
    )
    wallet.events.deliver(confirmation)
    return confirmation


# Top-up ids as the platform gives them are UUIDs; these are looked up instead of one.
OTHER_TOP_UPS = {
    "a top-up that never existed": lambda: str(uuid.uuid4()),
    "a top-up by a reference in no form the platform gives": lambda: "top-up-1",
}


@when(
    parsers.re(
        r"the merchant looks up (?P<which>the other merchant's top-up|a top-up that never existed"
        r"|a top-up by a reference in no form the platform gives)"
    ),
    target_fixture="outcome",
)
def looks_up_top_up(request, wallet, merchant, which):
    if which == "the other merchant's top-up":
        top_up_id = request.getfixturevalue("other_top_up").id
    else:
        top_up_id = OTHER_TOP_UPS[which]()
    return wallet.try_top_up_state_by_id(merchant, top_up_id)


DEPLOYMENTS = {
    "without the payment provider's credentials": Deployment.WITHOUT_PAYMENTS,
    "whose cache is out of reach": Deployment.REDIS_OUT_OF_REACH,
}
DEPLOYED = "|".join(re.escape(how) for how in DEPLOYMENTS)


@when(
    parsers.re(rf"the payment provider's confirmation reaches a deployment (?P<how>{DEPLOYED})"),
    target_fixture="outcome",
)
def confirmation_reaches_deployment(wallet, top_up, second_deployment, how):
    elsewhere = second_deployment(DEPLOYMENTS[how])
    return wallet.events.try_deliver(wallet.payment_succeeded(top_up), to=elsewhere)


@when(
    parsers.re(
        rf"the payment provider delivers its confirmation twice to a deployment (?P<how>{DEPLOYED})"
    ),
    target_fixture="outcomes",
)
def confirmation_twice_to_deployment(wallet, top_up, second_deployment, how):
    elsewhere = second_deployment(DEPLOYMENTS[how])
    confirmation = wallet.payment_succeeded(top_up)
    return [wallet.events.try_deliver(confirmation, to=elsewhere) for _ in range(2)]


@when("the payment provider reports that the payment failed")
def provider_reports_failure(wallet, top_up):
    wallet.events.deliver(wallet.payment_failed(top_up))


@when(
    parsers.re(
        r"a payment confirmation (?P<flaw>without a signature|signed with the wrong secret"
        r"|signed \d+ minutes(?: and \d+ seconds)? (?:ago|ahead)"
        r"|whose content was changed after signing"
        r"|with a malformed signature) arrives"
    ),
    target_fixture="outcome",
)
def confirmation_arrives(wallet, top_up, flaw):
    return wallet.events.try_deliver_flawed(wallet.payment_succeeded(top_up).event, flaw)


@when("the payment provider delivers the same confirmation again", target_fixture="outcome")
def same_confirmation_again(wallet, confirmation):
    return wallet.events.try_deliver(confirmation)


@when("the payment provider sends a message the platform does not handle", target_fixture="outcome")
def unhandled_message(wallet):
    return wallet.events.try_deliver(wallet.events.unhandled_kind())


@when(parsers.parse('the merchant spends {credits:d} credits on "{what}"'))
def spends(wallet, merchant, credits, what):
    wallet.spend(merchant, credits, what)


@when(
    parsers.parse(
        "the merchant tries to spend {credits:d} credits on a description of {length:d} characters"
    ),
    target_fixture="outcome",
)
def tries_to_spend_described(wallet, merchant, credits, length):
    return wallet.try_spend(merchant, credits, ("Call-minutes-" * 20)[:length])


@then("the charge is taken")
def charge_taken(outcome):
    expect_accepted(outcome, 201, "take the charge")


@when(parsers.parse("the merchant tries to spend {credits:d} credits"), target_fixture="outcome")
def tries_to_spend(wallet, merchant, credits):
    return wallet.try_spend(merchant, credits, "Call minutes")


@when(parsers.parse("the team member tries to spend {credits:d} credits"), target_fixture="outcome")
def member_tries_to_spend(wallet, team_member, credits):
    return wallet.try_spend(team_member, credits, "Call minutes")


@when(
    parsers.parse("the merchant spends {credits:d} credits {times:d} times at the same moment"),
    target_fixture="outcomes",
)
def spends_at_once(wallet, merchant, credits, times):
    return wallet.spend_at_once(merchant, [credits] * times, "Call minutes")


@when("they all ask for a dedicated phone number at the same moment", target_fixture="outcomes")
def crowd_asks_for_numbers(wallet, crowd):
    return wallet.provision_numbers_for_all_at_once(crowd)


@when(
    parsers.parse("the merchant reads the ledger {size:d} entries at a time"),
    target_fixture="pages",
)
def reads_ledger_in_pages(wallet, merchant, size):
    return wallet.ledger_in_pages(merchant, size)


@when(parsers.parse("the merchant asks for the ledger with {request_}"), target_fixture="outcome")
def asks_ledger_with(wallet, merchant, request_):
    limit, offset = LEDGER_REQUESTS[request_]
    return wallet.try_ledger_page(merchant, limit, offset)


@when("the merchant asks for a dedicated phone number", target_fixture="outcome")
def asks_for_number(wallet, merchant):
    return wallet.try_provision_number(merchant)


@when(
    "the merchant asks for a dedicated phone number twice at the same moment",
    target_fixture="outcomes",
)
def asks_for_number_twice(wallet, merchant):
    return wallet.provision_numbers_at_once(merchant, 2)


# ---------------------------------------------------------------- Then: top-ups and messages


@then(
    parsers.parse(
        "the payment provider was asked for exactly {pence:d} pence, once, "
        "with the top-up's idempotency key"
    )
)
def provider_asked_for(payment_provider, database, merchant, top_up, pence):
    payment_provider.expect_asked_once_for(pence, top_up.idempotency_key)
    checks.expect_idempotency_key_kept(database, merchant.organisation_id, top_up.idempotency_key)


@then("the payment provider was not asked for any payment")
def provider_not_asked(payment_provider):
    payment_provider.expect_no_payment_requests()


@then(parsers.re(r"the merchant's wallet (?:still )?holds (?P<credits>\d+) credits"))
def wallet_holds(wallet, database, merchant, credits):
    checks.expect_wallet_holds(wallet, database, merchant, int(credits))


@then(
    parsers.re(r"the ledger shows an? (?P<kind>top-up|charge|refund) of (?P<credits>\d+) credits")
)
def ledger_shows(wallet, database, merchant, kind, credits):
    amount = -int(credits) if kind == "charge" else int(credits)
    checks.expect_ledger_shows(wallet, database, merchant, kind.replace("-", "_"), amount)


@then("the ledger shows a charge of 1000 credits followed by a refund of 1000 credits")
def charge_then_refund(database, merchant, ledger_mark):
    checks.expect_new_entries(
        database,
        merchant.organisation_id,
        ledger_mark["entries"],
        [("charge", -1000), ("refund", 1000)],
    )


@then("the ledger has no new entries")
def no_new_entries(database, merchant, ledger_mark):
    checks.expect_new_entries(database, merchant.organisation_id, ledger_mark["entries"], [])


TOP_UP_STATUSES = {"paid": "succeeded", "failed": "failed", "needing review": "needs_review"}


@then(parsers.re(r"the top-up is recorded as (?P<status>paid|failed|needing review)"))
def top_up_recorded(database, merchant, status):
    checks.expect_only_top_up_status(database, merchant.organisation_id, TOP_UP_STATUSES[status])


@then(parsers.parse("the merchant sees that the top-up needs review because {reason}"))
def merchant_sees_review(wallet, merchant, top_up, confirmation, reason):
    checks.expect_top_up_shown_for_review(
        wallet.try_top_up_state(merchant, top_up), reason, confirmation.event["data"]["object"]
    )


@then("the platform's operators are alerted that the number could not be given back")
def operators_alerted_number_kept(service_log, telephony_provider):
    sold = [number["sid"] for number in telephony_provider.sold]
    checks.expect_error_logged(service_log, [*sold, "could not be released"])


@then("the platform's operators are alerted that the top-up needs review")
def operators_alerted(service_log, top_up):
    checks.expect_review_logged(service_log, top_up.id)


@then("the platform's operators are alerted once that the top-up needs review")
def operators_alerted_once(service_log, top_up):
    checks.expect_review_logged(service_log, top_up.id, times=1)


@then("the top-up is reported as not found, exactly like one that never existed")
def top_up_not_found(wallet, merchant, outcome, leaks):
    expect_refused(outcome, Refusal.NOT_FOUND, leaks)
    never = wallet.try_top_up_state_by_id(merchant, str(uuid.uuid4()))
    expect_same_refusal(outcome, never, "a top-up that never existed")


@then("the top-up is refused as invalid")
@then("the charge is refused as invalid")
@then("the ledger request is refused as invalid")
def refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("the merchant is told the card was declined")
def told_declined(outcome, leaks):
    expect_refused(outcome, Refusal.CARD_DECLINED, leaks)


@then("the merchant is told the payment provider is not available")
@then("the merchant is told phone numbers are not available right now")
def told_provider_unavailable(outcome, leaks):
    expect_refused(outcome, Refusal.PROVIDER_UNAVAILABLE, leaks)


@then("the confirmation is refused as untrusted")
def refused_untrusted(outcome, leaks):
    expect_refused(outcome, Refusal.BAD_SIGNATURE, leaks)


@then("the payment provider is told to send the confirmation again later")
def told_to_send_again(outcome, leaks):
    # An answer of "unavailable" (503) makes the provider retry; a 4xx would make it give up.
    expect_refused(outcome, Refusal.PROVIDER_UNAVAILABLE, leaks)


@then("the confirmation leaves no record")
def leaves_no_record(database, cache, wallet):
    delivered = [delivery.event["id"] for delivery in wallet.events.delivered]
    checks.expect_events_not_recorded(database, cache, delivered)


@then("the second delivery is acknowledged")
@then("the message is acknowledged")
def acknowledged(outcome):
    expect_accepted(outcome, 200, "acknowledge the payment provider's message")


@then("both deliveries are acknowledged")
def both_acknowledged(outcomes):
    for outcome in outcomes:
        expect_accepted(outcome, 200, "acknowledge the payment provider's message")


@then("the platform has recorded the confirmation once")
def recorded_once(database, cache, confirmation):
    checks.expect_event_recorded_once(database, cache, confirmation.event["id"])


# ---------------------------------------------------------------- Then: spending and the ledger


@then("the charge is refused for lack of credit")
@then("the request is refused for lack of credit")
def refused_for_credit(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_ENOUGH_CREDIT, leaks)


@then(parsers.re(r"the merchant is told the wallet needs at least (?P<pounds>£[\d,]+\.\d\d)"))
def told_credit_needed(outcome, pounds):
    checks.expect_told_credit_needed(outcome, pounds)


@then(parsers.parse("{succeeded:d} charges succeed and the others are refused for lack of credit"))
def charges_split(outcomes, succeeded):
    checks.expect_charges_split(outcomes, succeeded)


@then("the ledger adds up to the balance")
def ledger_adds_up(database, merchant):
    checks.expect_ledger_equals_balance(database, merchant.organisation_id)


@then("the platform's records refuse to set the merchant's balance below zero")
def records_refuse_negative(database, merchant):
    checks.expect_negative_balance_refused(database, merchant.organisation_id)


@then(parsers.parse("the pages hold {sizes} entries"))
def pages_hold(pages, sizes):
    checks.expect_page_sizes(pages, [int(size) for size in re.split(r", | and ", sizes)])


@then("every entry appears exactly once, newest first")
def every_entry_once(database, merchant, pages):
    checks.expect_every_entry_once(database, merchant.organisation_id, pages)


@then(
    parsers.parse(
        "the wallet summary shows {purchased:d} purchased, {spent:d} spent, "
        "{refunded:d} refunded and {bonus:d} bonus"
    )
)
def summary_shows(wallet, merchant, purchased, spent, refunded, bonus):
    checks.expect_summary(wallet, merchant, purchased, spent, refunded, bonus)


@then(parsers.parse("the summary's net equals the balance of {credits:d} credits"))
def net_equals_balance(wallet, database, merchant, credits):
    checks.expect_net_equals_balance(wallet, database, merchant, credits)


@then(parsers.parse("the team member sees a balance of {credits:d} credits"))
def member_sees_balance(wallet, team_member, credits):
    checks.expect_balance_shown(wallet, team_member, credits, "the team member")


@then("the other merchant sees a balance of 0 credits and an empty ledger")
def other_sees_nothing(wallet, other_merchant):
    checks.expect_empty_wallet(wallet, other_merchant)


# ---------------------------------------------------------------- Then: the phone number


@then("the merchant is given a phone number in international format", target_fixture="phone_number")
def given_number(outcome, telephony_provider):
    return checks.expect_number_given(outcome, [n["phone_number"] for n in telephony_provider.sold])


@then(parsers.re(r"the telephony provider was asked for (?P<count>\d+) numbers?"))
def telephony_asked(telephony_provider, count):
    telephony_provider.expect_purchases(int(count))


@then("the telephony provider was not asked for a number")
def telephony_not_asked(telephony_provider):
    telephony_provider.expect_purchases(0)


@then("the number the telephony provider sold was given back to it")
def number_given_back(telephony_provider):
    telephony_provider.expect_released_what_it_sold()


@then("no number was given back to the telephony provider")
def nothing_given_back(telephony_provider):
    telephony_provider.expect_nothing_released()


@then("the number is recorded as the merchant's")
def number_recorded(database, merchant, phone_number):
    checks.expect_number_recorded(database, merchant.organisation_id, phone_number)


@then("no number is recorded as the merchant's")
def no_number_recorded(database, merchant):
    checks.expect_number_recorded(database, merchant.organisation_id, None)


@then("the merchant is told the number could not be provided and nothing was charged")
def told_provider_failed(outcome, leaks):
    expect_refused(outcome, Refusal.PROVIDER_FAILED, leaks)


@then("the merchant is given the same number again")
def same_number_again(outcome, phone_number):
    checks.expect_same_number([outcome], phone_number)


@then(parsers.parse("each of them is given a number of their own and holds {credits:d} credits"))
def each_given_own_number(wallet, crowd, outcomes, credits):
    checks.expect_each_given_own_number(wallet, crowd, outcomes, credits)


@then("both requests are given the same number")
def both_same_number(outcomes):
    checks.expect_same_number(outcomes)


@then("the merchant is told the number was bought now")
def told_bought_now(outcome):
    checks.expect_told_bought_now([outcome], 1)


@then("the merchant is told the number was already theirs")
def told_already_theirs(outcome):
    checks.expect_told_bought_now([outcome], 0)


@then("only one of them is told the number was bought now")
def one_told_bought_now(outcomes):
    checks.expect_told_bought_now(outcomes, 1)
