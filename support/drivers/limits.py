"""Sends requests at and over the platform's limits: the size of a body, the start of a page."""

from __future__ import annotations

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.report.shown import ShownAs

# The platform's documented limit on a request body (docs/service-contract.md).
BODY_LIMIT_BYTES = 1024 * 1024
WHERE = {"a sign-in": paths.LOG_IN, "a payment provider message": paths.PAYMENT_EVENTS}


class LimitsDriver(ShownAs):
    shown_as = "limits driver"

    def __init__(self, api: ApiClient) -> None:
        self._api = api

    def try_send_of_size(self, where: str, size: int) -> httpx.Response:
        """`size` blank bytes as the body of `where` (the streamed 300 MB case is a service
        test: tests/service/test_service_body_limit.py measures what the service holds)."""
        headers = {"Content-Type": "application/json"}
        return self._api.request("POST", WHERE[where], content=b" " * size, headers=headers)
