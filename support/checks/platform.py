"""Checks on the platform's own health report."""

from __future__ import annotations

import httpx

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
