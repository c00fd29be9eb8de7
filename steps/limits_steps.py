"""Steps for the limits on what one request may ask of the platform."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import limits as limit_checks
from support.checks.outcomes import Refusal, expect_refused
from support.drivers.limits import BODY_LIMIT_BYTES

SIZES = {
    "exactly the size limit": BODY_LIMIT_BYTES,
    "one byte over the size limit": BODY_LIMIT_BYTES + 1,
    "300 megabytes": 300 * 1024 * 1024,
}


@when(
    parsers.re(r"someone sends (?P<where>a sign-in|a payment provider message) of (?P<size>.+)"),
    target_fixture="outcome",
)
def sends_of_size(limits, where, size):
    return limits.try_send_of_size(where, SIZES[size])


@then("the request is refused as too large")
def refused_too_large(outcome, leaks):
    expect_refused(outcome, Refusal.TOO_LARGE, leaks)


@then("the request is read and refused as invalid")
def read_and_refused_invalid(outcome, leaks):
    expect_refused(outcome, Refusal.INVALID, leaks)


@then("the merchant is shown an empty page of the ledger")
def empty_page(outcome):
    limit_checks.expect_empty_page(outcome)
