"""Steps for what the platform decides and never takes from a request (OWASP API3)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import accounts as account_checks
from support.drivers.base import insist
from support.drivers.wallet import TopUp


@when(
    "someone signs up naming the viewer role and the other merchant's organisation",
    target_fixture="sign_up_answer",
)
def signs_up_naming_more(accounts, build, other_merchant):
    details = build.merchant()
    body = {
        "email": details.email,
        "password": details.password,
        "business_name": details.business_name,
        "role": "viewer",
        "org_id": other_merchant.organisation_id,
        "organisation_id": other_merchant.organisation_id,
    }
    response = accounts.try_sign_up(body)
    insist(response, 201, "sign someone up")
    return details.email, response


@then("the new account is the owner of a new organisation of its own")
def owner_of_new_organisation(database, sign_up_answer, other_merchant):
    email, response = sign_up_answer
    account_checks.expect_organisation_not(response, other_merchant.organisation_id)
    account_checks.expect_owner_of_new_organisation(database, email, response)


@when(
    "the merchant adds a viewer naming the other merchant's organisation and the owner role",
    target_fixture="new_member",
)
def adds_viewer_naming_more(accounts, build, merchant, other_merchant):
    extra = {
        "org_id": other_merchant.organisation_id,
        "organisation_id": other_merchant.organisation_id,
        "roles": ["owner"],
        "is_owner": True,
    }
    response = accounts.try_add_team_member(merchant, build.team_member(), "viewer", extra)
    return insist(response, 201, "add a viewer team member")


@then("the new member is a viewer in the merchant's organisation")
def member_in_own_organisation(database, merchant, new_member):
    account_checks.expect_member_of(database, new_member, merchant.organisation_id, "viewer")


@then("the other merchant's organisation still has one member")
def other_has_one_member(database, other_merchant):
    account_checks.expect_member_count(database, other_merchant.organisation_id, 1)


@when(
    parsers.parse(
        "the merchant tops up {credits:d} credits naming a balance of {balance:d} credits "
        "and a paid status"
    ),
    target_fixture="top_up",
)
def tops_up_naming_more(wallet, merchant, credits, balance) -> TopUp:
    extra = {"balance_pence": balance, "status": "succeeded", "credited": True}
    return wallet.top_up(merchant, credits, extra=extra)


@when(
    parsers.parse("the merchant spends {credits:d} credits naming a balance of {balance:d} credits")
)
def spends_naming_more(wallet, merchant, credits, balance):
    extra = {"balance_pence": balance, "charged_pence": 0}
    insist(wallet.try_spend(merchant, credits, "Call minutes", extra=extra), 201, "take credits")
