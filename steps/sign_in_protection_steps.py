"""Steps for sign-in protection: password guessing is slowed down without locking anyone out."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks.guessing import expect_told_to_wait


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


@then("the merchant signs in with the right password")
def merchant_signs_in(accounts, merchant):
    accounts.sign_in(merchant)


@then("the other merchant signs in with the right password")
def other_signs_in(accounts, other_merchant):
    accounts.sign_in(other_merchant)
