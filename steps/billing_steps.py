"""Steps for the wallet, top-ups, the payment provider's messages and the phone number."""

from __future__ import annotations

import time

import pytest
from pytest_bdd import given, parsers, then, when

from support.api import ApiClient
from support.checks import wallet as checks
from support.checks.outcomes import Refusal, expect_accepted, expect_refused
from support.drivers.base import insist
from support.drivers.wallet import TopUp

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


@given(parsers.re(r"the payment provider (?P<trouble>is down|does not answer)"))
def payment_provider_trouble(payment_provider, trouble):
    if trouble == "is down":
        payment_provider.is_down()
    else:
        payment_provider.times_out()


@given(
    parsers.parse("the merchant has asked to top up {credits:d} credits"),
    target_fixture="top_up",
)
def has_asked_to_top_up(wallet, merchant, credits) -> TopUp:
    return wallet.top_up(merchant, credits)


@given(parsers.parse("the merchant's wallet has been topped up with {credits:d} credits"))
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


@given(parsers.re(r"the telephony provider (?P<trouble>is down|does not answer)"))
def telephony_trouble(telephony_provider, trouble):
    if trouble == "is down":
        telephony_provider.is_down()
    else:
        telephony_provider.times_out()


@given("a phone number the telephony provider failed to deliver was refunded")
def failed_number_refunded(wallet, telephony_provider, merchant, leaks):
    telephony_provider.is_down()
    expect_refused(wallet.try_provision_number(merchant), Refusal.PROVIDER_FAILED, leaks)
    telephony_provider.sells_numbers()


@given("the merchant has a dedicated phone number", target_fixture="phone_number")
def has_phone_number(wallet, telephony_provider, merchant) -> str:
    return wallet.provision_number(merchant)


@given("the platform has been deployed without the telephony provider's credentials")
def deployed_without_credentials(wallet, target, cleanup):
    service = ApiClient(target.without_telephony_credentials())
    cleanup.add("close the client of the second deployment", service.close)
    wallet.buy_numbers_through(service)


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


@when("the payment provider reports that the payment failed")
def provider_reports_failure(wallet, top_up):
    wallet.events.deliver(wallet.payment_failed(top_up))


@when(
    parsers.re(
        r"a payment confirmation (?P<flaw>without a signature|signed with the wrong secret"
        r"|signed (?P<minutes>\d+) minutes ago|whose content was changed after signing) arrives"
    ),
    target_fixture="outcome",
)
def confirmation_arrives(wallet, top_up, request, flaw, minutes):
    event = wallet.payment_succeeded(top_up).event
    events = wallet.events
    if flaw == "without a signature":
        delivery = events.signed(event)
        request.getfixturevalue("sent_events").append(delivery)
        return events.try_deliver(delivery, with_signature=False)
    if flaw == "signed with the wrong secret":
        delivery = events.signed(event, secret="whsec_not_the_platforms_secret_0123456789")
    elif minutes is not None:
        delivery = events.signed(event, timestamp=int(time.time()) - int(minutes) * 60)
    else:
        delivery = events.tampered(events.signed(event), amount_received=top_up.amount_pence * 2)
    request.getfixturevalue("sent_events").append(delivery)
    return events.try_deliver(delivery)


@pytest.fixture
def sent_events() -> list:
    return []


@when("the payment provider delivers the same confirmation again", target_fixture="outcome")
def same_confirmation_again(wallet, confirmation):
    return wallet.events.try_deliver(confirmation)


@when("the payment provider sends a message the platform does not handle", target_fixture="outcome")
def unhandled_message(wallet):
    return wallet.events.try_deliver(wallet.events.unhandled_kind())


@when(parsers.parse('the merchant spends {credits:d} credits on "{what}"'))
def spends(wallet, merchant, credits, what):
    wallet.spend(merchant, credits, what)


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


@when(
    parsers.parse("the merchant reads the ledger {size:d} entries at a time"),
    target_fixture="pages",
)
def reads_ledger_in_pages(wallet, merchant, size):
    pages = []
    for page in range(50):
        entries = wallet.ledger_page(merchant, size, page * size)["entries"]
        if not entries:
            break
        pages.append(entries)
    return pages


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
def provider_asked_for(payment_provider, database, top_up, pence):
    payment_provider.expect_asked_once_for(pence, top_up.idempotency_key)
    kept = checks.top_up_record(database, top_up.id)["provider_idempotency_key"]
    if kept != top_up.idempotency_key:
        raise AssertionError(
            f"Expected the platform to keep the idempotency key it sent, "
            f"{top_up.idempotency_key!r}, but it kept {kept!r}."
        )


@then("the payment provider was not asked for any payment")
def provider_not_asked(payment_provider):
    asked = payment_provider.intent_requests()
    if asked:
        raise AssertionError(
            f"Expected the payment provider not to be asked for a payment, but it was asked "
            f"{len(asked)} time(s)."
        )


@then(parsers.re(r"the merchant's wallet (?:still )?holds (?P<credits>\d+) credits"))
def wallet_holds(wallet, database, merchant, credits):
    expected = int(credits)
    shown = wallet.balance(merchant)
    if shown != expected:
        raise AssertionError(
            f"Expected the merchant to be shown a balance of {expected} credits, but the "
            f"wallet shows {shown}."
        )
    checks.expect_balance(database, merchant.organisation_id, expected)


@then(
    parsers.re(r"the ledger shows an? (?P<kind>top-up|charge|refund) of (?P<credits>\d+) credits$")
)
def ledger_shows(wallet, database, merchant, kind, credits):
    wire = kind.replace("-", "_")
    amount = int(credits) if wire != "charge" else -int(credits)
    entries = checks.ledger(database, merchant.organisation_id)
    recorded = [e["amount_pence"] for e in entries]
    recorded_kind = [e["amount_pence"] for e in entries if e["kind"] == wire]
    if recorded_kind != [amount]:
        raise AssertionError(
            f"Expected the ledger to hold one {kind} of {credits} credits, but its {kind}s are "
            f"{recorded_kind or 'none'} (all entries: {recorded})."
        )
    listed = wallet.ledger_page(merchant, 100, 0)["entries"]
    if [e["amount_pence"] for e in listed if e["kind"] == wire] != [amount]:
        raise AssertionError(f"Expected the merchant's ledger listing to show the {kind} as well.")


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


@then(parsers.re(r"the top-up is recorded as (?P<status>paid|failed)"))
def top_up_recorded(database, merchant, status):
    checks.expect_only_top_up_status(
        database, merchant.organisation_id, "succeeded" if status == "paid" else "failed"
    )


@then("the top-up is refused as invalid")
@then("the ledger request is refused as invalid")
def refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("the merchant is told the payment provider is not available")
@then("the merchant is told phone numbers are not available right now")
def told_provider_unavailable(outcome, leaks):
    expect_refused(outcome, Refusal.PROVIDER_UNAVAILABLE, leaks)


@then("the confirmation is refused as untrusted")
def refused_untrusted(outcome, leaks):
    expect_refused(outcome, Refusal.BAD_SIGNATURE, leaks)


@then("the confirmation leaves no record")
def leaves_no_record(database, cache, sent_events):
    for delivery in sent_events:
        checks.expect_event_not_recorded(database, cache, delivery.event["id"])


@then("the second delivery is acknowledged")
@then("the message is acknowledged")
def acknowledged(outcome):
    expect_accepted(outcome, 200, "acknowledge the payment provider's message")


@then("the platform has recorded the confirmation once")
def recorded_once(database, cache, confirmation):
    checks.expect_event_recorded_once(database, cache, confirmation.event["id"])


# ---------------------------------------------------------------- Then: spending and the ledger


@then("the charge is refused for lack of credit")
@then("the request is refused for lack of credit")
def refused_for_credit(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_ENOUGH_CREDIT, leaks)


@then(parsers.parse("{succeeded:d} charges succeed and the others are refused for lack of credit"))
def charges_split(outcomes, succeeded):
    statuses = [response.status_code for response in outcomes]
    if statuses.count(201) != succeeded or statuses.count(402) != len(statuses) - succeeded:
        raise AssertionError(
            f"Expected {succeeded} charges to succeed and {len(statuses) - succeeded} to be "
            f"refused for lack of credit, but the answers were {sorted(statuses)}."
        )


@then("the ledger adds up to the balance")
def ledger_adds_up(database, merchant):
    checks.expect_ledger_equals_balance(database, merchant.organisation_id)


@then("the platform's records refuse to set the merchant's balance below zero")
def records_refuse_negative(database, merchant):
    checks.expect_negative_balance_refused(database, merchant.organisation_id)


@then(parsers.parse("the pages hold {sizes} entries"))
def pages_hold(pages, sizes):
    expected = [int(size) for size in sizes.replace(" and ", ", ").split(", ")]
    found = [len(page) for page in pages]
    if found != expected:
        raise AssertionError(f"Expected pages of {expected} entries, but got pages of {found}.")


@then("every entry appears exactly once, newest first")
def every_entry_once(database, merchant, pages):
    listed = [entry["id"] for page in pages for entry in page]
    recorded = [e["id"] for e in reversed(checks.ledger(database, merchant.organisation_id))]
    if listed != recorded:
        repeated = sorted({i for i in listed if listed.count(i) > 1})
        missing = sorted(set(recorded) - set(listed))
        raise AssertionError(
            f"Expected the pages to list all {len(recorded)} entries once each, newest first; "
            f"repeated: {repeated or 'none'}, missing: {missing or 'none'}, "
            f"in order: {'yes' if sorted(listed, reverse=True) == listed else 'no'}."
        )


@then(
    parsers.parse(
        "the wallet summary shows {purchased:d} purchased, {spent:d} spent, "
        "{refunded:d} refunded and {bonus:d} bonus"
    )
)
def summary_shows(wallet, merchant, purchased, spent, refunded, bonus):
    shown = wallet.wallet(merchant)
    found = tuple(shown[f"{k}_pence"] for k in ("purchased", "spent", "refunded", "bonus"))
    if found != (purchased, spent, refunded, bonus):
        raise AssertionError(
            f"Expected the summary to show {purchased} purchased, {spent} spent, {refunded} "
            f"refunded and {bonus} bonus, but it shows {found[0]} purchased, {found[1]} spent, "
            f"{found[2]} refunded and {found[3]} bonus."
        )


@then(parsers.parse("the summary's net equals the balance of {credits:d} credits"))
def net_equals_balance(wallet, database, merchant, credits):
    shown = wallet.wallet(merchant)
    if not shown["net_pence"] == shown["balance_pence"] == credits:
        raise AssertionError(
            f"Expected the summary's net and the balance both to be {credits} credits, but the "
            f"net is {shown['net_pence']} and the balance {shown['balance_pence']}."
        )
    checks.expect_balance(database, merchant.organisation_id, credits)


@then(parsers.parse("the team member sees a balance of {credits:d} credits"))
def member_sees_balance(wallet, team_member, credits):
    shown = wallet.balance(team_member)
    if shown != credits:
        raise AssertionError(
            f"Expected the team member to see a balance of {credits} credits, but saw {shown}."
        )


@then("the other merchant sees a balance of 0 credits and an empty ledger")
def other_sees_nothing(wallet, other_merchant):
    shown = wallet.wallet(other_merchant)
    listed = wallet.ledger_page(other_merchant, 100, 0)
    if shown["balance_pence"] != 0 or shown["purchased_pence"] != 0 or listed["entries"]:
        raise AssertionError(
            f"Expected the other merchant to see an empty wallet, but it shows a balance of "
            f"{shown['balance_pence']} and {len(listed['entries'])} ledger entries."
        )


# ---------------------------------------------------------------- Then: the phone number


@then("the merchant is given a phone number in international format", target_fixture="phone_number")
def given_number(outcome, telephony_provider):
    number = insist(outcome, 200, "provide a phone number")["phone_number"]
    if not checks.E164.match(number or ""):
        raise AssertionError(f"Expected a number in international (E.164) form, got {number!r}.")
    sold = [n["phone_number"] for n in telephony_provider.sold]
    if number not in sold:
        raise AssertionError(
            f"Expected the merchant to be given the number the provider sold ({sold}), "
            f"but was given {number!r}."
        )
    return number


@then(parsers.re(r"the telephony provider was asked for (?P<count>\d+) numbers?"))
def telephony_asked(telephony_provider, count):
    telephony_provider.expect_purchases(int(count))


@then("the telephony provider was not asked for a number")
def telephony_not_asked(telephony_provider):
    telephony_provider.expect_purchases(0)


@then("the number is recorded as the merchant's")
def number_recorded(database, merchant, phone_number):
    recorded = checks.phone_number(database, merchant.organisation_id)
    if recorded != phone_number:
        raise AssertionError(
            f"Expected {phone_number} to be recorded as the merchant's number, found {recorded}."
        )


@then("no number is recorded as the merchant's")
def no_number_recorded(database, merchant):
    recorded = checks.phone_number(database, merchant.organisation_id)
    if recorded is not None:
        raise AssertionError(f"Expected no number for the merchant, but {recorded} is recorded.")


@then("the merchant is told the number could not be provided and nothing was charged")
def told_provider_failed(outcome, leaks):
    expect_refused(outcome, Refusal.PROVIDER_FAILED, leaks)


@then("the merchant is given the same number again")
def same_number_again(outcome, phone_number):
    number = insist(outcome, 200, "provide the phone number again")["phone_number"]
    if number != phone_number:
        raise AssertionError(f"Expected the same number {phone_number} again, got {number}.")


@then("both requests are given the same number")
def both_same_number(outcomes):
    numbers = [insist(o, 200, "provide a phone number")["phone_number"] for o in outcomes]
    if len(set(numbers)) != 1:
        raise AssertionError(f"Expected both requests to get the same number, got {numbers}.")
