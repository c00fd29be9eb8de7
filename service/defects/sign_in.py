"""Defects of sign-in protection against password guessing."""

from __future__ import annotations

from limits import RateLimitItem

from service.defects.base import Defect
from service.domain.sign_in_limits import SignInLimits, SignUpLimits, account_digest


class SignInFailuresNotCounted(SignInLimits):
    def _count(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
        return None


class SuccessKeepsFailuresCounted(SignInLimits):
    def _forget(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
        return None


class GuessingLocksAccountEverywhere(SignInLimits):
    @staticmethod
    def _account_count(email: str, address: str) -> tuple[str, ...]:
        return ("sign-in", "account", account_digest(email), "anywhere")


class SignUpsUnlimited(SignUpLimits):
    def _counted(self, identifiers: tuple[str, ...]) -> bool:
        return True


class SignUpsCountedForEveryone(SignUpLimits):
    @staticmethod
    def _address_count(address: str) -> tuple[str, ...]:
        return ("sign-up", "address", "everyone")


DEFECTS: dict[str, Defect] = {
    "sign_in_failures_not_counted": Defect(
        "Wrong passwords can be tried without end.",
        "sign_in_limits",
        SignInFailuresNotCounted,
    ),
    "success_keeps_failures_counted": Defect(
        "A right password does not clear the wrong ones counted before it.",
        "sign_in_limits",
        SuccessKeepsFailuresCounted,
    ),
    "sign_ups_unlimited": Defect(
        "Sign-ups from one client address are not limited.",
        "sign_up_limits",
        SignUpsUnlimited,
    ),
    "sign_ups_counted_for_everyone": Defect(
        "Sign-ups are counted over all client addresses, so one place's sign-ups hold back "
        "everyone's.",
        "sign_up_limits",
        SignUpsCountedForEveryone,
    ),
    "guessing_locks_account_everywhere": Defect(
        "Failed sign-ins are counted per account only, so anyone can lock a merchant out.",
        "sign_in_limits",
        GuessingLocksAccountEverywhere,
    ),
}
