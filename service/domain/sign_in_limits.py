"""Slows password guessing down: failed sign-ins are counted, and too many are refused for a while.

Counted with the `limits` library on the platform's Redis (moving windows, so nobody gains by
timing attempts to a window's edge). Two counts:

- per account and client address: a few failures, then that address waits before it may try
  that account again (even with the right password). Someone guessing elsewhere cannot lock the
  merchant out: the merchant's own address keeps its own count.
- per client address, over all accounts: generous, against one address guessing many accounts.

A success clears the account's count for that address. Email addresses are kept in Redis only
as digests.

Sign-ups are limited per client address too (every attempt that reaches the platform counts,
accepted or not, in an hour's moving window): one place cannot open accounts without end, nor
try address after address to learn which have accounts.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from service.core.errors import ApiError

log = logging.getLogger("service.domain.sign_in_limits")

WINDOW_MINUTES = 15
FAILURES_PER_ACCOUNT = 5  # per account and client address, in the window
T = TypeVar("T")


def account_digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:32]


class SignInLimits:
    def __init__(self, cache: redis.Redis, failures_per_address: int) -> None:
        storage = RedisStorage("redis://", connection_pool=cache.connection_pool)
        self.limiter = MovingWindowRateLimiter(storage)
        self.per_account: RateLimitItem = RateLimitItemPerMinute(
            FAILURES_PER_ACCOUNT, WINDOW_MINUTES
        )
        self.per_address: RateLimitItem = RateLimitItemPerMinute(
            failures_per_address, WINDOW_MINUTES
        )

    def guard(self, email: str, address: str, sign_in: Callable[[], T]) -> T:
        """Runs the sign-in unless there were too many failures; counts a refused one."""
        account = self._account_count(email, address)
        by_address = ("sign-in", "address", address)
        self._refuse_if_exhausted([(self.per_account, account), (self.per_address, by_address)])
        try:
            result = sign_in()
        except ApiError as refused:
            if refused.status == 401:
                self._count(self.per_account, account)
                self._count(self.per_address, by_address)
            raise
        self._forget(self.per_account, account)
        return result

    @staticmethod
    def _account_count(email: str, address: str) -> tuple[str, ...]:
        """Per account AND address: guessing from one place never locks the merchant out."""
        return ("sign-in", "account", account_digest(email), address)

    def _refuse_if_exhausted(self, counts: list[tuple[RateLimitItem, tuple[str, ...]]]) -> None:
        for item, identifiers in counts:
            if self._exhausted(item, identifiers):
                raise self.too_many(item, identifiers, "Too many failed sign-in attempts.")

    def too_many(self, item: RateLimitItem, identifiers: tuple[str, ...], what: str) -> ApiError:
        """429 saying how long to wait (in words, and in seconds in Retry-After)."""
        stats = self.limiter.get_window_stats(item, *identifiers)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        return ApiError(
            429,
            "too_many_attempts",
            f"{what} Please wait {_minutes(wait)} before trying again.",
            {"Retry-After": str(wait)},
        )

    def _exhausted(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> bool:
        try:
            return not self.limiter.test(item, *identifiers)
        except redis.RedisError as error:  # sign-in stays possible while Redis is down
            log.warning("Sign-in limits unavailable (Redis): %s", error)
            return False

    def _count(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
        try:
            self.limiter.hit(item, *identifiers)
        except redis.RedisError as error:
            log.warning("A failed sign-in could not be counted (Redis): %s", error)

    def _forget(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> None:
        try:
            self.limiter.clear(item, *identifiers)
        except redis.RedisError as error:
            log.warning("Sign-in failures could not be cleared (Redis): %s", error)


SIGN_UP_WINDOW_MINUTES = 60


class SignUpLimits:
    def __init__(self, limits: SignInLimits, per_address: int) -> None:
        self.limits = limits  # the same limiter, on the same Redis
        self.per_address: RateLimitItem = RateLimitItemPerMinute(
            per_address, SIGN_UP_WINDOW_MINUTES
        )

    def guard(self, address: str, sign_up: Callable[[], T]) -> T:
        """Runs the sign-up unless the address has used up its sign-ups; counts it first."""
        identifiers = self._address_count(address)
        if not self._counted(identifiers):
            raise self.limits.too_many(
                self.per_address, identifiers, "Too many sign-ups from your network."
            )
        return sign_up()

    @staticmethod
    def _address_count(address: str) -> tuple[str, ...]:
        """Per client address: one place's sign-ups never hold back anyone else's."""
        return ("sign-up", "address", address)

    def _counted(self, identifiers: tuple[str, ...]) -> bool:
        """Counts the attempt; False when the address had no sign-ups left (not counted)."""
        try:
            return self.limits.limiter.hit(self.per_address, *identifiers)
        except redis.RedisError as error:  # sign-up stays possible while Redis is down
            log.warning("Sign-up limits unavailable (Redis): %s", error)
            return True


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")
