"""Checks on the platform's own health report."""

from __future__ import annotations

import httpx

from support.clients.cache import Cache
from support.drivers.base import describe


def expect_part_up(response: httpx.Response, part: str) -> None:
    try:
        state = response.json().get(part)
    except ValueError:
        state = None
    if response.status_code != 200 or state != "up":
        raise AssertionError(
            f"Expected the platform to report its {part} as up, but its health check answered "
            f"{describe(response)} with {part} {state!r}."
        )


def pings_now(cache: Cache) -> int:
    return cache.answers_to_pings("pings answered before the health check")


def expect_cache_asked(cache: Cache, pings_before: int) -> None:
    """A health report about the cache must come from asking it, not from assuming."""
    after = cache.answers_to_pings("pings answered after the health check")
    if after <= pings_before:
        raise AssertionError(
            "Expected the platform to ask its cache before reporting on it, but the cache "
            f"answered no question during the health check ({pings_before} before, {after} after)."
        )
