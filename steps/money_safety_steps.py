"""Steps for money safety: the order of the payment provider's messages, repeated requests."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from support.checks import repeats
from support.checks import wallet as wallet_checks
from support.checks.outcomes import Refusal, expect_accepted, expect_refused
from support.drivers.orders import basket
from support.drivers.wallet import TopUp


@when(parsers.parse("the payment provider's messages arrive in this order: {arrivals}"))
def messages_arrive_in_order(wallet, top_up, arrivals):
    wallet.deliver_outcomes(top_up, arrivals)


# How a product owner names a key the platform cannot keep, and what the app would send.
UNUSABLE_KEYS = {
    "a key of 256 characters": "k" * 256,
    "a key of 255 characters": "k" * 255,
    "a key of 1 character": "k",
    "a key with a tab in it": "order\t1003",
    "an empty key": "",
    "a key with a letter outside ASCII": "clé-1".encode(),
}


AGES = {
    "23 hours 59 minutes": timedelta(hours=23, minutes=59),
    "24 hours 1 minute": timedelta(hours=24, minutes=1),
    # Seconds either side of the day a key is kept (a request takes well under five seconds).
    "5 seconds less than a day": timedelta(days=1, seconds=-5),
    "5 seconds more than a day": timedelta(days=1, seconds=5),
}


@given(
    parsers.re(
        r'the merchant topped up (?P<credits>\d+) credits with the key "(?P<key>[^"]+)" '
        r"(?P<age>.+) ago"
    ),
    target_fixture="top_up",
)
def topped_up_with_key_ago(wallet, record_changes, merchant, credits, key, age) -> TopUp:
    top_up = wallet.top_up(merchant, int(credits), key)
    record_changes.age_request_key(merchant, key, AGES[age])
    return top_up


@given(
    parsers.re(
        r'the merchant spent (?P<credits>\d+) credits with the key "(?P<key>[^"]+)" (?P<age>.+) ago'
    )
)
def spent_with_key_ago(wallet, record_changes, merchant, credits, key, age):
    wallet.spend_keyed(merchant, int(credits), key)
    record_changes.age_request_key(merchant, key, AGES[age])


@given(
    parsers.re(
        r'the merchant refunded (?P<items>\d+ of "[^"]+"(?: and \d+ of "[^"]+")*) '
        r'with the key "(?P<key>[^"]+)" (?P<age>.+) ago'
    )
)
def refunded_with_key_ago(refunds, record_changes, merchant, placed, items, key, age):
    refunds.refund_order(merchant, placed, basket(items), key)
    record_changes.age_request_key(merchant, key, AGES[age])


@when(
    parsers.parse(
        'the merchant tops up {credits:d} credits with the key "{key}" and the payment is under way'
    ),
    target_fixture="pending_top_up",
)
def tops_up_under_way(wallet, payment_provider, merchant, credits, key):
    pending = wallet.top_up_under_way(merchant, credits, key)
    payment_provider.await_payment_request()
    return pending


@when("the payment provider answers the card payment", target_fixture="first_answer")
def provider_answers_top_up(payment_provider, pending_top_up):
    payment_provider.answer_held("accept")
    return pending_top_up()


@when(
    parsers.parse('the merchant asks to top up {credits:d} credits with the same key "{key}"'),
    target_fixture="outcome",
)
def asks_to_top_up_with_same_key(wallet, merchant, credits, key):
    return wallet.try_top_up(merchant, credits, key)


@given(parsers.parse("the other merchant's wallet has been topped up with {credits:d} credits"))
def other_topped_up(wallet, other_merchant, credits):
    wallet.fund(other_merchant, credits)


@when(
    parsers.parse('the merchant spends {credits:d} credits with the key "{key}"'),
    target_fixture="first_answer",
)
def spends_with_key(wallet, merchant, credits, key):
    return wallet.spend_keyed(merchant, credits, key)


@when(
    parsers.parse(
        'the merchant sends the same charge of {credits:d} credits again with the key "{key}"'
    ),
    target_fixture="second_answer",
)
def same_charge_again(wallet, merchant, credits, key):
    return wallet.spend_keyed(merchant, credits, key)


@when(
    parsers.parse(
        "the merchant sends the same charge of {credits:d} credits written another way "
        'with the key "{key}"'
    ),
    target_fixture="second_answer",
)
def same_charge_written_another_way(wallet, merchant, credits, key):
    return wallet.spend_keyed(merchant, credits, key, written_another_way=True)


@when(
    parsers.parse('the merchant tries to spend {credits:d} credits with the key "{key}"'),
    target_fixture="outcome",
)
def tries_to_spend_with_key(wallet, merchant, credits, key):
    return wallet.try_spend(merchant, credits, "Call minutes", key)


@when(
    parsers.parse(
        'the merchant tries to spend {credits:d} credits on "{description}" with the key "{key}"'
    ),
    target_fixture="outcome",
)
def tries_to_spend_on_with_key(wallet, merchant, credits, description, key):
    return wallet.try_spend(merchant, credits, description, key)


@when(
    parsers.re(r"the merchant tries to spend (?P<credits>\d+) credits with (?P<key>an? .+)"),
    target_fixture="outcome",
)
def tries_to_spend_with_unusable_key(wallet, merchant, credits, key):
    return wallet.try_spend(merchant, int(credits), "Call minutes", UNUSABLE_KEYS[key])


@when(
    parsers.parse(
        'the merchant spends {credits:d} credits twice at the same moment with the key "{key}"'
    ),
    target_fixture="outcomes",
)
def spends_twice_at_once_with_key(wallet, merchant, credits, key):
    return wallet.spend_at_once(merchant, [credits, credits], "Call minutes", key)


@when(parsers.parse('the other merchant spends {credits:d} credits with the key "{key}"'))
def other_spends_with_key(wallet, other_merchant, credits, key):
    wallet.spend_keyed(other_merchant, credits, key)


@when(
    parsers.parse('the merchant tops up {credits:d} credits with the key "{key}"'),
    target_fixture="top_up",
)
def tops_up_with_key(wallet, merchant, credits, key) -> TopUp:
    return wallet.top_up(merchant, credits, key)


@when(
    parsers.parse('the merchant asks to top up {credits:d} credits with the key "{key}"'),
    target_fixture="outcome",
)
def asks_to_top_up_with_key(wallet, merchant, credits, key):
    return wallet.try_top_up(merchant, credits, key)


@when(
    parsers.parse(
        'the merchant sends the same top-up of {credits:d} credits again with the key "{key}"'
    ),
    target_fixture="second_answer",
)
def same_top_up_again(wallet, merchant, credits, key):
    return wallet.try_top_up(merchant, credits, key)


@when(
    parsers.parse('the merchant asks for a dedicated phone number with the key "{key}"'),
    target_fixture="first_answer",
)
def asks_for_number_with_key(wallet, merchant, key):
    return wallet.provision_number_keyed(merchant, key)


@when(
    parsers.parse('the merchant asks for a dedicated phone number again with the key "{key}"'),
    target_fixture="second_answer",
)
def asks_for_number_again_with_key(wallet, merchant, key):
    return wallet.provision_number_keyed(merchant, key)


@then("the second answer repeats the first")
def second_repeats_first(first_answer, second_answer):
    repeats.expect_answer_repeated(first_answer, second_answer)


@then("the second answer names the same top-up")
def second_names_same_top_up(top_up, second_answer):
    repeats.expect_same_top_up(top_up, second_answer)


@then("the request is refused because its key was used for another request")
def refused_key_reused(outcome, leaks):
    expect_refused(outcome, Refusal.KEY_REUSED, leaks)


@then("the second request is told the first is still being processed")
def told_still_in_progress(second_answer, leaks):
    expect_refused(second_answer, Refusal.STILL_IN_PROGRESS, leaks)


@then("the first request's top-up is started")
def first_top_up_started(first_answer):
    expect_accepted(first_answer, 201, "start the top-up")


@then(parsers.parse("the payment provider was asked for a payment of {pence:d} pence, once"))
def provider_asked_once(payment_provider, pence):
    payment_provider.expect_asked_once_for(pence)


@then("the request is refused as invalid")
def request_refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then(parsers.parse("the other merchant's wallet holds {credits:d} credits"))
def other_wallet_holds(wallet, database, other_merchant, credits):
    wallet_checks.expect_wallet_holds(wallet, database, other_merchant, credits)


@then(parsers.parse("the ledger shows one new charge of {credits:d} credits"))
def one_new_charge(database, merchant, ledger_mark, credits):
    wallet_checks.expect_new_entries(
        database, merchant.organisation_id, ledger_mark["entries"], [("charge", -credits)]
    )


# ---------------------------------------------------------------- refunds and disputes


@given("the payment provider has confirmed the payment")
def provider_has_confirmed(wallet, top_up):
    wallet.events.deliver(wallet.payment_succeeded(top_up))


@given(parsers.parse("the merchant's wallet holds {credits:d} credits in all"))
def wallet_holds_in_all(wallet, merchant, credits):
    more = credits - wallet.balance(merchant)
    if more:
        wallet.fund(merchant, more)


@given(parsers.re(r"the merchant has spent (?P<credits>\d+) credits?"))
def has_spent(wallet, merchant, credits):
    wallet.spend(merchant, int(credits), "Call minutes")


@given(parsers.re(r"the payment provider has reported that the top-up's payment was (?P<how>\w+)"))
@when(
    parsers.re(
        r"the payment provider reports that the top-up's payment was (?P<how>refunded|disputed)"
        r"(?: (?P<difference>in euros|in US dollars|for -?\d+ credits(?: written as text)?))?"
    ),
    target_fixture="reversal",
)
def payment_reversed(wallet, top_up, how, difference=None):
    return wallet.deliver_reversal(top_up, how, difference)


@when(
    parsers.re(
        r"the payment provider reports that (?P<credits>\d+) credits? of the top-up's payment "
        r"(?:were|was) refunded(?: in all)?"
    )
)
def payment_partly_refunded(wallet, top_up, credits):
    wallet.events.deliver(wallet.payment_refunded(top_up, int(credits)))


@when("the payment provider delivers the same refund again", target_fixture="outcome")
def same_refund_again(wallet, reversal):
    return wallet.events.try_deliver(reversal)


@when(parsers.parse("the payment provider's refunds arrive in this order: {arrivals}"))
def refunds_arrive_in_order(wallet, top_up, arrivals):
    wallet.deliver_refunds(top_up, arrivals)


@when(
    "the payment provider reports a dispute of a payment the platform does not know",
    target_fixture="outcome",
)
def unknown_payment_disputed(wallet, top_up):
    stranger = TopUp("unknown", top_up.amount_pence, {**top_up.intent, "id": "pi_not_ours_0001"})
    return wallet.events.try_deliver(wallet.payment_disputed(stranger))


@then(parsers.parse("the ledger shows credit taken back as {amounts}"))
def taken_back_as(database, merchant, amounts):
    wallet_checks.expect_taken_back(
        database, merchant.organisation_id, [int(amount) for amount in amounts.split(", ")]
    )


@then("the ledger shows nothing taken back")
def nothing_taken_back(database, merchant):
    wallet_checks.expect_taken_back(database, merchant.organisation_id, [])


@then(parsers.re(r"the top-up is recorded as (?P<status>refunded|disputed)"))
def top_up_reversed(database, merchant, top_up, status):
    wallet_checks.expect_top_up_status_of(database, merchant.organisation_id, top_up.id, status)


@then(parsers.re(r"the merchant's wallet is (?P<negation>not )?on hold"))
def wallet_on_hold(database, merchant, negation):
    wallet_checks.expect_on_hold(database, merchant.organisation_id, held=not negation)
    if negation:
        wallet_checks.expect_kept_for_operator(database, merchant.organisation_id, [])


@then("the payment provider's message is kept for an operator")
def kept_for_operator(database, merchant, reversal):
    wallet_checks.expect_kept_for_operator(
        database, merchant.organisation_id, [reversal.event["id"]]
    )


@then(parsers.parse('the operator is told why: "{reason}"'))
def operator_told_why(database, merchant, reason):
    wallet_checks.expect_hold_reason(database, merchant.organisation_id, reason)


@then("the request is refused because the wallet is on hold")
def refused_on_hold(outcome, leaks):
    expect_refused(outcome, Refusal.WALLET_ON_HOLD, leaks)
