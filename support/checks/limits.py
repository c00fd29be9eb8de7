"""Checks at the platform's limits: what it shows at the furthest page it allows."""

from __future__ import annotations

import httpx

from support.drivers.base import insist


def expect_empty_page(outcome: httpx.Response) -> None:
    page = insist(outcome, 200, "show a page of the ledger")
    if page["entries"]:
        raise AssertionError(
            f"Expected an empty page so far into the ledger, but it holds "
            f"{len(page['entries'])} entries."
        )
