"""Steps for accounts, access, roles and tenancy."""

from __future__ import annotations

import uuid

from pytest_bdd import given, parsers, then, when

from support.builders import tokens
from support.checks import accounts as account_checks
from support.checks import onboarding as onboarding_checks
from support.checks import tenancy
from support.checks.outcomes import Refusal, expect_refused, expect_same_refusal
from support.drivers.accounts import Account


@given("a merchant has signed up", target_fixture="merchant")
def a_merchant(cast) -> Account:
    return cast.merchant()


@given("another merchant has signed up", target_fixture="other_merchant")
def another_merchant(cast) -> Account:
    return cast.other_merchant()


@given("another merchant has a team member", target_fixture="other_member")
def another_merchant_with_member(cast) -> Account:
    return cast.other_merchant_with_team_member()


@given("another merchant has completed onboarding", target_fixture="other_merchant")
def another_merchant_done(cast) -> Account:
    return cast.other_merchant_done_with_onboarding()


@given("a merchant has used every part of the platform", target_fixture="merchant")
def merchant_everywhere(merchants_everywhere) -> Account:
    return merchants_everywhere.merchant()


@given("another merchant has used every part of the platform", target_fixture="other_merchant")
def other_merchant_everywhere(merchants_everywhere) -> Account:
    return merchants_everywhere.merchant()


@given("the merchant has a team member with view-only access", target_fixture="team_member")
def view_only_member(cast, merchant) -> Account:
    return cast.view_only_member_of(merchant)


@given("the merchant has a team member with admin access", target_fixture="team_member")
def admin_member(cast, merchant) -> Account:
    return cast.member_of(merchant, "admin")


@given("the team member's role has since been lowered to view-only")
def role_lowered(record_changes, team_member):
    record_changes.change_role(team_member, "viewer")


@when("a new merchant signs up with a business email and a password", target_fixture="sign_up")
def new_merchant_signs_up(accounts, build):
    details = build.merchant()
    return details, accounts.try_sign_up(details)


@when("someone signs up again with the merchant's email address", target_fixture="outcome")
def signs_up_again(accounts, build, merchant):
    return accounts.try_sign_up(build.merchant(email=merchant.email))


@when(
    parsers.parse("someone signs up again with the merchant's email address written {spelling}"),
    target_fixture="outcome",
)
def signs_up_again_spelled(accounts, build, merchant, spelling):
    return accounts.try_sign_up(build.merchant(email=build.email_spelled(merchant.email, spelling)))


@when(
    parsers.parse("a new merchant signs up with a password of {length:d} characters"),
    target_fixture="sign_up",
)
def new_merchant_with_password_length(accounts, build, length):
    details = build.merchant(password=build.password(length=length))
    return details, accounts.try_sign_up(details)


@when(parsers.parse("someone signs up with {problem}"), target_fixture="sign_up")
def signs_up_with_problem(accounts, build, problem):
    details = build.unusable_sign_up(problem)
    return details, accounts.try_sign_up(details)


@when("the merchant signs in with a wrong password", target_fixture="outcome")
def wrong_password(accounts, build, merchant):
    return accounts.try_sign_in(merchant.email, build.password())


@when(
    parsers.parse("someone asks for the merchant's account with {pass_}"), target_fixture="outcome"
)
def account_with_pass(accounts, merchant, request, pass_):
    secret = lambda: request.getfixturevalue("token_secret")  # noqa: E731 - asked only if needed
    token = tokens.pass_named(
        pass_, merchant.user_id, merchant.organisation_id, merchant.role, secret
    )
    return accounts.try_own_account(token)


@when("the team member tries to complete onboarding", target_fixture="outcome")
def member_completes(onboarding, build, team_member):
    return onboarding.try_complete(team_member, build.business_name(), build.category())


@when("the team member tries to add another team member", target_fixture="outcome")
def member_adds_member(accounts, build, team_member):
    return accounts.try_add_team_member(team_member, build.team_member(), "viewer")


@when("the merchant looks up the other merchant's team member", target_fixture="outcome")
def looks_up_other_member(accounts, merchant, other_member):
    return accounts.try_view_team_member(merchant, other_member.user_id)


@then("the merchant owns a new organisation")
def owns_new_organisation(database, sign_up):
    account_checks.expect_owner_of_new_organisation(database, sign_up[0].email, sign_up[1])


@then("the merchant's account is shown")
def account_shown(outcome):
    account_checks.expect_account_shown(outcome)


@then("the access token the merchant is given lasts exactly 15 minutes")
def token_lasts(accounts, merchant):
    account_checks.expect_token_lifetime(
        accounts.try_sign_in(merchant.email, merchant.password), 900
    )


@then("the merchant can sign in with that email and password")
def can_sign_in(accounts, sign_up):
    accounts.sign_in_as(sign_up[0].email, sign_up[0].password)


@then(
    parsers.parse(
        "the merchant signs in with its email address written {spelling} and the right password"
    )
)
def signs_in_spelled(accounts, build, merchant, spelling):
    accounts.sign_in_as(build.email_spelled(merchant.email, spelling), merchant.password)


@then("the sign-up is refused because the account already exists")
def refused_exists(outcome, leaks):
    expect_refused(outcome, Refusal.ALREADY_EXISTS, leaks)


@then("the sign-up is refused as invalid")
def sign_up_invalid(sign_up, leaks):
    expect_refused(sign_up[1], Refusal.INVALID, leaks)


@then("no organisation is created for that email address")
def no_organisation(database, sign_up):
    account_checks.expect_no_account(database, sign_up[0].email)


@then("the sign-in is refused because the email or password is wrong")
def refused_credentials(outcome, leaks):
    expect_refused(outcome, Refusal.WRONG_CREDENTIALS, leaks)


@then("the refusal reads exactly as it does for an email address that has no account")
def same_as_unknown_email(accounts, build, outcome):
    unknown = accounts.try_sign_in(build.merchant().email, build.password())
    expect_same_refusal(outcome, unknown, "an email address with no account")


@then("the request is refused because the caller is not signed in")
def refused_not_signed_in(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_SIGNED_IN, leaks)


@then("the request is refused because the role does not allow it")
def refused_role(outcome, leaks):
    expect_refused(outcome, Refusal.NOT_ALLOWED, leaks)


@then("onboarding is still not complete for the merchant")
def still_not_complete(database, merchant):
    onboarding_checks.expect_not_completed(database, merchant.organisation_id)


@then("the team member is reported as not found, exactly like one that never existed")
def not_found_like_never_existed(accounts, merchant, outcome, leaks):
    expect_refused(outcome, Refusal.NOT_FOUND, leaks)
    never = accounts.try_view_team_member(merchant, str(uuid.uuid4()))
    expect_same_refusal(outcome, never, "a team member that never existed")


@then("the platform's database keeps every merchant's records apart by itself")
def database_keeps_apart(database, merchant, other_merchant):
    tenancy.expect_database_keeps_tenants_apart(
        database, merchant.organisation_id, other_merchant.organisation_id
    )
