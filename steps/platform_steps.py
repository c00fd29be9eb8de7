"""Steps for platform-wide behaviour: health, and how every error reads."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when

from support.checks.outcomes import expect_plain_refusal
from support.checks.platform import expect_cache_asked, expect_part_up, pings_now
from support.scenario.mistakes import MISTAKES

PARTS = {"database": "database", "cache": "redis"}


@given("the questions the cache answers are counted", target_fixture="pings_before")
def cache_questions_counted(cache):
    return pings_now(cache)


@when("the operator checks the platform's health", target_fixture="health")
def checks_health(platform):
    return platform.try_health()


@then(parsers.parse("the platform reports its {part} as up"))
def part_is_up(health, part):
    expect_part_up(health, PARTS[part])


@then("the platform asked its cache for the answer")
def cache_was_asked(cache, pings_before):
    expect_cache_asked(cache, pings_before)


@when(
    parsers.re(rf"the merchant (?P<mistake>{'|'.join(map(re.escape, MISTAKES))})"),
    target_fixture="outcome",
)
def makes_mistake(mistakes, merchant, other_member, mistake):
    return mistakes.make(mistake, merchant, other_member)


@then(
    "the refusal is a reason with a plain sentence that reveals nothing of the platform's internals"
)
def plain_refusal(outcome, leaks):
    expect_plain_refusal(outcome, leaks)
