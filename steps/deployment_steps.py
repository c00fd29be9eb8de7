"""Steps for how the platform is deployed: what a deployment must declare before it starts."""

from __future__ import annotations

from pytest_bdd import then, when

from support.checks.deployments import expect_refused_to_start


@when(
    "the platform is deployed as a live deployment with deliberate defects switched on",
    target_fixture="refusal",
)
def live_with_defects(deployments):
    return deployments.live_with_defects()


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


@then("it refuses to start, saying deliberate defects are only for test deployments")
def refused_defects(refusal):
    expect_refused_to_start(refusal, "defects are only for test deployments", "test deployment")


@then("it refuses to start, saying its database password is missing")
def refused_password(refusal):
    expect_refused_to_start(refusal, "its password is missing", "APP_DATABASE_PASSWORD is missing")


@then("it refuses to start, saying the database would not keep merchants apart")
def refused_owner_rights(refusal):
    expect_refused_to_start(refusal, "merchants would not be kept apart", "row-level security")
