"""Platform driver: the health check operators and load balancers use."""

from __future__ import annotations

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.report.shown import ShownAs


class PlatformDriver(ShownAs):
    shown_as = "platform driver"

    def __init__(self, api: ApiClient) -> None:
        self._api = api

    def try_health(self) -> httpx.Response:
        return self._api.request("GET", paths.HEALTH)

    def try_unknown_page(self) -> httpx.Response:
        return self._api.request("GET", "/api/no-such-page")
