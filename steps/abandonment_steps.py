"""Steps for checkout abandonment: payment views, the nudge job run at a given time, and
what the merchants were sent and credited."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from pytest_bdd import given, parsers, then, when

from support.checks import abandonment as checks
from support.checks import wallet as wallet_checks
from support.checks.outcomes import Refusal, expect_refused
from support.drivers.accounts import Account
from support.providers.fakes import plan_trouble

WHO = r"(?P<who>the merchant|the other merchant)"
# On-demand runs asked for at a time that is not a moment, as an operator might mistype it.
NOT_A_MOMENT = {
    "a time without a time zone": "2026-03-01T10:00:00",
    "a time that is not a date": "tomorrow morning",
    "no time at all": None,
}


def _someone(request: pytest.FixtureRequest, who: str):
    return request.getfixturevalue("merchant" if who == "the merchant" else "other_merchant")


@dataclass
class Three:
    """The merchant and two more; `paid` is the one of them that paid, if any."""

    merchants: list[Account]
    paid: Account | None = None

    def others(self, than: Account | None) -> list[Account]:
        return [m for m in self.merchants if m is not than]


def _numbers(emails: str) -> list[int]:
    """ "no email", "email 3", "emails 1 and 2", "emails 1, 2 and 3" as email numbers."""
    return [int(n) for n in re.findall(r"\d", emails)]


# ---------------------------------------------------------------- Given


@given("the email provider accepts every message")
@given("the email provider accepts every message again")
def email_accepts(email_provider):
    email_provider.accepts()


@given(parsers.re(r"the email provider (?P<trouble>is down|does not answer)"))
def email_trouble(email_provider, trouble):
    plan_trouble(email_provider, trouble)


@given(parsers.re(rf"the email provider refuses messages to {WHO}"))
def email_refuses(email_provider, request, who):
    email_provider.refuses_messages_to(_someone(request, who).email)


@given(parsers.re(rf"{WHO} viewed the payment step(?: again)?"))
def viewed_payment_step(abandonment, request, who):
    abandonment.view_payment_step(_someone(request, who))


@given(parsers.re(rf"{WHO} paid"))
def paid(abandonment, request, who):
    abandonment.pay(_someone(request, who))


@given("two more merchants have signed up", target_fixture="three")
def two_more_merchants(cast, merchant) -> Three:
    return Three([merchant, cast.other_merchant(), cast.other_merchant()])


@given("the three merchants viewed the payment step")
def three_viewed_payment_step(abandonment, three: Three):
    for someone in three.merchants:
        abandonment.view_payment_step(someone)


@given("the merchant the nudge job comes to first paid")
def first_of_three_paid(abandonment, three: Three):
    """The job works through merchants in the platform's order of their organisations; paying
    the first of them makes certain that a merchant who paid comes before two who did not
    (a random one would, only two times in three)."""
    three.paid = min(three.merchants, key=lambda m: uuid.UUID(m.organisation_id))
    abandonment.pay(three.paid)


@given(
    parsers.parse(
        "the payment provider confirmed the merchant's top-up of {credits:d} credits, "
        "though its checkout never said so"
    )
)
def top_up_confirmed_silently(wallet, merchant, credits):
    wallet.fund(merchant, credits)


# ---------------------------------------------------------------- When (and Given: earlier runs)


@given(
    parsers.re(rf"the nudge job has run (?P<wait>.+?) after {WHO} viewed the payment step"),
    target_fixture="run",
)
@when(
    parsers.re(rf"the nudge job runs (?:again )?(?P<wait>.+?) after {WHO} viewed the payment step"),
    target_fixture="run",
)
def job_runs(abandonment, request, wait, who):
    return abandonment.run(abandonment.time_after_view(_someone(request, who), wait))


@when(
    parsers.re(rf"the nudge job runs (?P<wait>.+?) after {WHO} first viewed the payment step"),
    target_fixture="run",
)
def job_runs_after_first_view(abandonment, request, wait, who):
    return abandonment.run(abandonment.time_after_view(_someone(request, who), wait, first=True))


@when(
    parsers.re(
        r"two nudge job runs start at the same moment (?P<wait>.+?) after the merchant "
        r"viewed the payment step"
    ),
    target_fixture="runs",
)
def runs_together(abandonment, merchant, wait):
    return abandonment.run_together(abandonment.time_after_view(merchant, wait), 2)


@when(
    parsers.parse(
        "the merchant tries to run the nudge job {wait} after it viewed the payment step"
    ),
    target_fixture="outcome",
)
def merchant_tries_to_run(abandonment, merchant, wait):
    return abandonment.try_run(abandonment.time_after_view(merchant, wait), token=merchant.token)


@when(parsers.parse("the operator asks for a nudge job run at {moment}"), target_fixture="outcome")
def operator_asks_at(abandonment, moment):
    return abandonment.try_run(NOT_A_MOMENT[moment])


# ---------------------------------------------------------------- Then


@then(parsers.re(rf"{WHO} has been sent (?P<emails>no email|emails? [\d, and]+)"))
def has_been_sent(email_provider, request, who, emails):
    checks.expect_sent(email_provider, _someone(request, who), _numbers(emails))


@then(
    parsers.re(
        r"the two merchants who (?P<were>did not pay|were not refused) have each been sent "
        r"(?P<emails>no email|emails? [\d, and]+)"
    )
)
def the_two_have_been_sent(email_provider, three: Three, merchant, were, emails):
    left_out = three.paid if were == "did not pay" else merchant
    for someone in three.others(than=left_out):
        checks.expect_sent(email_provider, someone, _numbers(emails))


@then("the merchant who paid has been sent no email")
def the_one_who_paid_has_been_sent_nothing(email_provider, three: Three):
    checks.expect_sent(email_provider, three.paid, [])


@then(
    parsers.re(
        rf"the email provider was asked for (?P<emails>no email|emails? [\d, and]+) to {WHO} "
        r"(?:once|in all)"
    )
)
def provider_asked(email_provider, request, emails, who):
    checks.expect_asked(email_provider, _someone(request, who), _numbers(emails))


@then(parsers.re(rf"{WHO}'s wallet holds (?P<credits>\d+) bonus credits"))
def wallet_holds_bonus(wallet, database, request, who, credits):
    wallet_checks.expect_wallet_holds(wallet, database, _someone(request, who), int(credits))


@then("the ledger shows one bonus of 1000 credits")
def ledger_shows_bonus(wallet, database, merchant):
    wallet_checks.expect_ledger_shows(wallet, database, merchant, "bonus", 1000)


@then("the platform records the bonus as applied with the last-chance email")
def bonus_marked(database, merchant):
    checks.expect_bonus_marked_once(database, merchant.organisation_id)


@then(parsers.re(rf"the platform records (?P<records>.+) for {WHO}"))
def records(database, request, records, who):
    expected = {
        int(n): status
        for n, status in re.findall(r"email (\d) (?:as )?(sent|failed|unknown)", records)
    }
    checks.expect_records(database, _someone(request, who).organisation_id, expected)


@then(
    parsers.parse(
        "the run reports {processed:d} processed, {sent:d} sent, {skipped:d} skipped "
        "and {failed:d} failed"
    )
)
def run_reports(run, processed, sent, skipped, failed):
    checks.expect_counts(run, processed=processed, sent=sent, skipped=skipped, failed=failed)


@then(parsers.parse("between them the two runs report {sent:d} sent and {skipped:d} skipped"))
def runs_report_between_them(runs, sent, skipped):
    checks.expect_counts_between(runs, sent=sent, skipped=skipped)


@then(parsers.parse("the run records {count:d} errors"))
@then(parsers.parse("the run records {count:d} error"))
def run_errors(run, count):
    checks.expect_errors_name(run, count)


@then(parsers.parse("the run's record says it covered the {count:d} merchants the operator named"))
def run_scope_named(run, count):
    checks.expect_scope_named(run, count)


@then("the run records that the email's outcome is unknown, for an operator to check")
def run_says_unknown(run):
    checks.expect_error_says_unknown(run)


@then("the operator reads back the same record of the run, with its start and its end")
def operator_reads_run(abandonment, run):
    checks.expect_recorded_run(abandonment.run_record(run["id"]), run)


@then("the emails to both merchants went to the email provider in one call")
def one_call(email_provider, merchant, other_merchant):
    checks.expect_one_call(email_provider, [merchant, other_merchant])


@then("the run is refused as invalid")
def refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)
