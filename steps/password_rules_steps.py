"""Steps for the password rules: what a refused sign-up tells the merchant to change."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks.outcomes import error_of


@then(parsers.parse('the merchant is told "{advice}"'))
def told_advice(sign_up, advice):
    message = error_of(sign_up[1])["message"]
    if advice.lower() not in message.lower():
        raise AssertionError(
            f"Expected the refusal to tell the merchant {advice!r}, but it said: {message}"
        )
