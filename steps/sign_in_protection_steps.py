"""Steps for sign-in protection: password guessing is slowed down without locking anyone out;
sign-ups from one place are limited."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.checks.accounts import expect_no_account
from support.checks.guessing import SIGN_UP_WINDOW_SECONDS, expect_told_to_wait
from support.drivers.base import insist


@when(parsers.parse("someone tries {count:d} wrong passwords for the merchant's email address"))
def tries_wrong_passwords(guessing, merchant, count):
    guessing.wrong_passwords(merchant, count)


@when(
    parsers.parse(
        "someone tries {count:d} wrong passwords for the merchant's email address "
        "from another place"
    )
)
def tries_wrong_passwords_elsewhere(guessing, merchant, count):
    guessing.wrong_passwords(merchant, count, from_elsewhere=True)


@when("the right password is tried from the same place", target_fixture="outcome")
def right_password_same_place(guessing, merchant):
    return guessing.try_right_password(merchant)


@then("the sign-in is refused as too many attempts, saying how long to wait")
def refused_too_many(outcome, leaks):
    expect_told_to_wait(outcome, leaks)


@then("the sign-up is refused as too many attempts, saying how long to wait")
def sign_up_refused_too_many(outcome, leaks):
    expect_told_to_wait(outcome, leaks, SIGN_UP_WINDOW_SECONDS)


@when("the merchant signs in with the right password")
@then("the merchant signs in with the right password")
def merchant_signs_in(accounts, merchant):
    accounts.sign_in(merchant)


@then("the other merchant signs in with the right password")
def other_signs_in(accounts, other_merchant):
    accounts.sign_in(other_merchant)


@given("the platform is deployed allowing 3 sign-ups an hour from one address")
def few_sign_ups(sign_ups):
    return sign_ups  # the deployment starts with the scenario's first sign-up driver


@when(parsers.parse("{count:d} merchants sign up from one place"))
def merchants_sign_up_from_one_place(sign_ups, count):
    sign_ups.sign_up_from("one place", count)


@when(
    parsers.re(r"another merchant tries to sign up from (?P<place>the same place|another place)"),
    target_fixture="outcome",
)
def another_tries_to_sign_up(sign_ups, place):
    return sign_ups.try_sign_up_from("one place" if place == "the same place" else place)


@then("no account was opened for that merchant")
def no_account_opened(database, sign_ups):
    expect_no_account(database, sign_ups.last_tried.email)


@then("that merchant's sign-up is accepted")
def sign_up_accepted(outcome):
    insist(outcome, 201, "sign the merchant up")
