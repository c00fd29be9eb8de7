"""Defects of sign-in protection against password guessing."""

from __future__ import annotations

from limits import RateLimitItem

from service.defects.base import Defect
from service.domain.sign_in_limits import SignInLimits, account_digest


class SignInFailuresNotCounted(SignInLimits):
    def _count(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
        return None


class GuessingLocksAccountEverywhere(SignInLimits):
    @staticmethod
    def _account_count(email: str, address: str) -> tuple[str, ...]:
        return ("sign-in", "account", account_digest(email), "anywhere")


DEFECTS: dict[str, Defect] = {
    "sign_in_failures_not_counted": Defect(
        "Wrong passwords can be tried without end.",
        "sign_in_limits",
        SignInFailuresNotCounted,
    ),
    "guessing_locks_account_everywhere": Defect(
        "Failed sign-ins are counted per account only, so anyone can lock a merchant out.",
        "sign_in_limits",
        GuessingLocksAccountEverywhere,
    ),
}
