"""Steps for money safety: the order of the payment provider's messages, repeated requests."""

from __future__ import annotations

from pytest_bdd import parsers, when


@when(parsers.parse("the payment provider's messages arrive in this order: {arrivals}"))
def messages_arrive_in_order(wallet, top_up, arrivals):
    wallet.deliver_outcomes(top_up, arrivals)
