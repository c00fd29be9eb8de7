"""Steps for the onboarding wizard's activity, the onboarding question, and completion."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.checks import onboarding as checks
from support.checks.outcomes import Refusal, expect_accepted, expect_refused
from support.drivers.onboarding import wire_name
from support.scenario.mistakes import GARBLED_REPORT


@given("the onboarding records cannot be saved")
def writes_fail(faults, merchant):
    faults.onboarding_writes_fail(merchant.organisation_id)


@given("onboarding's completion fails just as it is being saved")
def commit_fails(faults, merchant):
    faults.onboarding_commit_fails(merchant.organisation_id)


@given("the onboarding records cannot be read")
def reads_fail(faults, merchant):
    faults.onboarding_reads_fail(merchant.organisation_id)


@given("the merchant has completed onboarding", target_fixture="first_completion")
def has_completed(onboarding, database, build, merchant):
    onboarding.complete(merchant, build.business_name(), build.category())
    return checks.expect_completed(database, merchant.organisation_id)


@when(
    parsers.parse('the merchant\'s wizard reports "{activity}" at step {step:d}'),
    target_fixture="outcome",
)
def wizard_reports(onboarding, merchant, activity, step):
    return onboarding.try_report_activity(merchant, activity, step)


@when("the merchant's wizard sends a report that cannot be read", target_fixture="outcome")
def garbled_report(onboarding, merchant):
    return onboarding.try_send_raw_report(merchant, GARBLED_REPORT)


@when(parsers.parse("someone who is not signed in tries to {action}"), target_fixture="outcome")
def anonymous_action(onboarding, action):
    return onboarding.try_as_anonymous(action)


@when("the merchant asks whether onboarding is still needed", target_fixture="needs_onboarding")
def asks_status(onboarding, merchant):
    return onboarding.needs_onboarding(merchant)


@when(parsers.parse('the merchant completes onboarding as "{name}" in the category "{category}"'))
def completes_as(onboarding, merchant, name, category):
    onboarding.complete(merchant, name, category)


@when(
    parsers.re(
        r"the merchant completes onboarding with a business name of (?P<name_length>\d+) "
        r"characters and a category of (?P<category_length>\d+) characters"
        r"(?P<spaced>, each with spaces around it)?$"
    ),
    target_fixture="given_details",
)
def completes_with_long_details(onboarding, build, merchant, name_length, category_length, spaced):
    """`given_details` are the details without the spaces sent around them."""
    details = build.business_details_of_length(int(name_length), int(category_length))
    around = "  " if spaced else ""
    name, category = details["business name"], details["category"]
    onboarding.complete(merchant, f"{around}{name}{around}", f"{around}{category}{around}")
    return details


@when("the merchant completes onboarding without business details")
def completes_without_details(onboarding, merchant):
    onboarding.complete(merchant)


@when("the merchant completes onboarding again", target_fixture="outcome")
@when("the merchant tries to complete onboarding", target_fixture="outcome")
def tries_to_complete(onboarding, build, merchant):
    return onboarding.try_complete(merchant, build.business_name(), build.category())


@then("the activity is accepted")
def activity_accepted(outcome):
    expect_accepted(outcome, 202, "accept the wizard activity")


@then("the activity is refused as invalid")
def activity_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then(parsers.parse('the merchant\'s wizard activity reads "{activity}" at step {step:d}'))
def activity_reads(database, merchant, activity, step):
    checks.expect_activity(database, merchant.organisation_id, [(wire_name(activity), step)])


@then("no wizard activity is recorded for the merchant")
def no_activity(database, merchant):
    checks.expect_activity(database, merchant.organisation_id, [])


@then("the merchant is told onboarding is still needed")
def told_still_needed(needs_onboarding):
    checks.expect_told_needs_onboarding(needs_onboarding, True)


@then("the merchant is told onboarding is no longer needed")
def told_no_longer_needed(needs_onboarding):
    checks.expect_told_needs_onboarding(needs_onboarding, False)


@then("onboarding is complete for the merchant")
def is_complete(database, merchant):
    checks.expect_completed(database, merchant.organisation_id)


@then(
    parsers.parse('the merchant\'s business is recorded as "{name}" in the category "{category}"')
)
def business_recorded(database, merchant, name, category):
    checks.expect_business_details(database, merchant.organisation_id, name, category)


@then("no business details are recorded for the merchant")
def no_business_details(database, merchant):
    checks.expect_business_details(database, merchant.organisation_id, None, None)


@then(parsers.parse("the merchant's {detail} is kept to its first {length:d} characters"))
def kept_to_prefix(database, merchant, given_details, detail, length):
    checks.expect_kept_prefix(
        database, merchant.organisation_id, detail, given_details[detail], length
    )


@then("the second completion is accepted too")
def second_accepted(outcome):
    expect_accepted(outcome, 200, "accept completing onboarding a second time")


@then("onboarding keeps its first completion time")
def keeps_first_time(database, merchant, first_completion):
    checks.expect_completion_time(database, merchant.organisation_id, first_completion)


@then("the completion fails with an apology that reveals nothing of the platform's internals")
def completion_apology(outcome, leaks):
    expect_refused(outcome, Refusal.SERVER_APOLOGY, leaks)
