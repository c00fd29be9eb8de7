"""Checks on the platform's own health report."""

from __future__ import annotations

import httpx

from support.drivers.base import describe


def _reported(response: httpx.Response, key: str) -> object:
    try:
        return response.json().get(key)
    except (ValueError, AttributeError):
        return None


def expect_part(response: httpx.Response, part: str, state: str) -> None:
    """The health report names this part (database or redis) as up or down."""
    found = _reported(response, part)
    if found != state:
        raise AssertionError(
            f"Expected the platform to report its {part} as {state}, but its health check "
            f"answered {describe(response)} with {part} {found!r}."
        )


def expect_serving(response: httpx.Response, serving: bool) -> None:
    """Load balancers read the status: 200 "ok" sends merchants here, 503 "degraded" does not."""
    expected = (200, "ok") if serving else (503, "degraded")
    found = (response.status_code, _reported(response, "status"))
    if found != expected:
        said = "can" if serving else "cannot"
        raise AssertionError(
            f"Expected the platform to say it {said} serve merchants right now (answer "
            f"{expected[0]}, status {expected[1]!r}), but its health check answered "
            f"{describe(response)} with status {found[1]!r}."
        )
