"""Steps for how the platform is deployed: what a deployment must declare before it starts."""

from __future__ import annotations

from pytest_bdd import given, then, when

from support.checks.deployments import expect_refused_to_start, expect_role_password_kept


@when(
    "the platform is deployed as a live deployment with deliberate defects switched on",
    target_fixture="refusal",
)
def live_with_defects(deployments):
    return deployments.live_with_defects()


@when(
    "the platform is deployed as a live deployment that lets merchants' webhook addresses skip "
    "the safety check",
    target_fixture="refusal",
)
def live_with_test_domain(deployments):
    return deployments.live_with_test_domain()


@when(
    "the platform is deployed as a live deployment without its database password",
    target_fixture="refusal",
)
def live_without_password(deployments):
    return deployments.live_without_password()


@when(
    "the platform is deployed with a database role that has the tables' owner's rights",
    target_fixture="refusal",
)
def with_owner_rights(deployments):
    return deployments.with_owner_rights()


@given("a deployment of the platform has its own database role", target_fixture="first_role")
def first_deployment_role(deployments):
    return deployments.deployment_with_own_role()


@when(
    "a second deployment is given the same database role with another password",
    target_fixture="refusal",
)
def second_deployment_same_role(deployments, first_role):
    return deployments.same_role_other_password(first_role)


@then("the first deployment's database role keeps its password")
def first_password_kept(deployments, first_role):
    expect_role_password_kept(deployments.password_kept(first_role))


@then(
    "where the database checks passwords, the second deployment refuses to start, "
    "saying it cannot sign in to its role"
)
def refused_sign_in(deployments, refusal):
    if deployments.password_checked():
        expect_refused_to_start(
            refusal, "its password does not sign in to the role", "check APP_DATABASE_PASSWORD"
        )


@then("it refuses to start, saying deliberate defects are only for test deployments")
def refused_defects(refusal):
    expect_refused_to_start(refusal, "defects are only for test deployments", "test deployment")


@then(
    "it refuses to start, saying the exception for webhook addresses is only for test deployments"
)
def refused_test_domain(refusal):
    expect_refused_to_start(
        refusal, "the webhook test domain is only for test deployments", "WEBHOOKS_TEST_DOMAIN"
    )


@then("it refuses to start, saying its database password is missing")
def refused_password(refusal):
    expect_refused_to_start(refusal, "its password is missing", "APP_DATABASE_PASSWORD is missing")


@then("it refuses to start, saying the database would not keep merchants apart")
def refused_owner_rights(refusal):
    expect_refused_to_start(refusal, "merchants would not be kept apart", "row-level security")
