"""Steps for platform-wide behaviour: health, and how every error reads."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when

from support.checks.outcomes import expect_plain_refusal
from support.checks.platform import expect_part, expect_serving
from support.drivers.platform import PlatformDriver
from support.scenario.mistakes import MISTAKES
from support.target.run import Deployment

PARTS = {"database": "database", "cache": "redis"}
OUTAGES = {
    "database is cut off": Deployment.DATABASE_OUT_OF_REACH,
    "cache is out of reach": Deployment.REDIS_OUT_OF_REACH,
}


@given(
    parsers.re(
        r"a deployment of the platform whose (?P<outage>database is cut off|cache is out of reach)"
    ),
    target_fixture="platform",
)
def deployment_with_outage(second_deployment, outage):
    return PlatformDriver(second_deployment(OUTAGES[outage]))


@when("the operator checks the platform's health", target_fixture="health")
def checks_health(platform):
    return platform.try_health()


@then(parsers.re(r"the platform reports its (?P<part>database|cache) as (?P<state>up|down)"))
def part_state(health, part, state):
    expect_part(health, PARTS[part], state)


@then(parsers.re(r"the platform says it (?P<answer>can|cannot) serve merchants right now"))
def serving(health, answer):
    expect_serving(health, answer == "can")


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
