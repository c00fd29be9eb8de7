"""Checks that password guessing and sign-ups are slowed down: the refusal says how long to
wait."""

from __future__ import annotations

import httpx

from support.checks.leaks import LeakContext
from support.checks.outcomes import Refusal, expect_refused

WINDOW_SECONDS = 15 * 60  # the platform's documented window for failed sign-ins
SIGN_UP_WINDOW_SECONDS = 60 * 60  # and for sign-ups from one address


def expect_told_to_wait(
    outcome: httpx.Response, leaks: LeakContext, window: int = WINDOW_SECONDS
) -> None:
    expect_refused(outcome, Refusal.TOO_MANY_ATTEMPTS, leaks)
    wait = outcome.headers.get("Retry-After", "")
    if not wait.isdigit() or not 1 <= int(wait) <= window:
        raise AssertionError(
            f"Expected the refusal to say how many seconds to wait (1 to {window}), but "
            f"it said {wait!r}."
        )
