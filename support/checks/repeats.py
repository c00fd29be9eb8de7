"""Checks of repeated requests: a request sent again with its key is given the first answer."""

from __future__ import annotations

import httpx

from support.drivers.base import describe
from support.drivers.wallet import TopUp

REPLAYED_HEADER = "Idempotent-Replayed"


def expect_answer_repeated(first: httpx.Response, second: httpx.Response) -> None:
    """The same status and body as the first answer, marked as given again (and the first
    answer not marked so: it was the request's own)."""
    if REPLAYED_HEADER in first.headers:
        raise AssertionError(
            f"Expected the first answer to be the request's own, but it said it repeats an "
            f"earlier one ({REPLAYED_HEADER}: {first.headers[REPLAYED_HEADER]!r})."
        )
    if second.status_code != first.status_code or second.json() != first.json():
        raise AssertionError(
            f"Expected the request sent again with its key to get the first answer again "
            f"({describe(first)}: {first.text[:200]}), but it got {describe(second)}: "
            f"{second.text[:200]}."
        )
    if second.headers.get(REPLAYED_HEADER) != "true":
        raise AssertionError(
            "Expected the answer to a request sent again with its key to say it repeats the "
            f"first answer, but it did not (its {REPLAYED_HEADER} mark was "
            f"{second.headers.get(REPLAYED_HEADER)!r})."
        )


def expect_same_top_up(top_up: TopUp, second: httpx.Response) -> None:
    if second.status_code != 201 or second.json().get("id") != top_up.id:
        raise AssertionError(
            f"Expected the top-up sent again with its key to name the first top-up {top_up.id}, "
            f"but the platform answered {describe(second)}: {second.text[:200]}."
        )
    if second.headers.get(REPLAYED_HEADER) != "true":
        raise AssertionError(
            "Expected the answer to the top-up sent again with its key to say it repeats the "
            "first answer, but it did not."
        )
