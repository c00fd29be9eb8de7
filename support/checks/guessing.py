"""Checks that password guessing is slowed down: the refusal says how long to wait."""

from __future__ import annotations

import httpx

from support.checks.leaks import LeakContext
from support.checks.outcomes import Refusal, expect_refused

WINDOW_SECONDS = 15 * 60  # the platform's documented window for failed sign-ins


def expect_told_to_wait(outcome: httpx.Response, leaks: LeakContext) -> None:
    expect_refused(outcome, Refusal.TOO_MANY_ATTEMPTS, leaks)
    wait = outcome.headers.get("Retry-After", "")
    if not wait.isdigit() or not 1 <= int(wait) <= WINDOW_SECONDS:
        raise AssertionError(
            f"Expected the refusal to say how many seconds to wait (1 to {WINDOW_SECONDS}), but "
            f"it said {wait!r}."
        )
