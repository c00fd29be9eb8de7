"""Steps for clean input: hidden characters in free text, and one spelling per email address."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.checks.outcomes import Refusal, expect_refused
from support.drivers.accounts import Account

# How a product owner names a hidden character, and what a client would send.
HIDDEN = {
    "a right-to-left override": "\u202e",
    "a terminal escape": "\x1b[31m",
    "a line break": "\n",
    "a bell": "\x07",
    "a zero-width space": "\u200b",
}


@given("a merchant has signed up with an accented email address", target_fixture="merchant")
def signed_up_accented(accounts, build) -> Account:
    return accounts.sign_up(build.merchant(email=build.accented_email()))


@when(
    "someone signs up with the same address written with a separate accent mark",
    target_fixture="outcome",
)
def signs_up_with_separate_accent(accounts, build, merchant):
    return accounts.try_sign_up(build.merchant(email=merchant.email.replace("\u00e9", "e\u0301")))


@when(
    parsers.parse(
        "the merchant tries to complete onboarding with a business name holding {characters}"
    ),
    target_fixture="outcome",
)
def completes_with_hidden_name(onboarding, build, merchant, characters):
    name = f"Corner {HIDDEN[characters]}Shop"
    return onboarding.try_complete(merchant, name, build.category())


@when(
    parsers.parse("the merchant tries to complete onboarding in a category holding {characters}"),
    target_fixture="outcome",
)
def completes_with_hidden_category(onboarding, build, merchant, characters):
    category = f"Flowers{HIDDEN[characters]}and gifts"
    return onboarding.try_complete(merchant, build.business_name(), category)


@when(
    parsers.parse(
        "the merchant tries to spend {credits:d} credits on a description holding {characters}"
    ),
    target_fixture="outcome",
)
def spends_with_hidden_description(wallet, merchant, credits, characters):
    return wallet.try_spend(merchant, credits, f"Call {HIDDEN[characters]}minutes")


@then("the completion is refused as invalid")
def refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)
