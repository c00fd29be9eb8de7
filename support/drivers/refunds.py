"""Refunds driver: the merchant refunds an order, whole or some of its units."""

from __future__ import annotations

from typing import Any

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.drivers.accounts import Account
from support.drivers.base import insist
from support.drivers.orders import OrdersDriver, Placed
from support.drivers.wallet import keyed
from support.report.shown import ShownAs


class RefundsDriver(ShownAs):
    shown_as = "refunds driver"

    def __init__(self, api: ApiClient, orders: OrdersDriver) -> None:
        self._api = api
        self._orders = orders

    def try_refund(
        self,
        account: Account,
        order_id: str,
        items: list[tuple[str, int]] | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        """`items` (SKU, quantity) to refund; None refunds the whole order (what is left).
        `key` is the client's idempotency key, when it sends one."""
        body: dict[str, Any] = {}
        if items is not None:
            body["items"] = [{"sku": sku, "quantity": quantity} for sku, quantity in items]
        return self._api.request(
            "POST",
            paths.order_refunds(order_id),
            token=account.token,
            json=body,
            headers=keyed(key),
        )

    def try_refund_order(
        self,
        account: Account,
        owner: Account,
        placed: Placed,
        items: list[tuple[str, int]] | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        """`account` refunds the order `owner`'s shop placed (found by its key, as the owner
        sees it): the merchant's own order, or another merchant's."""
        order_id = self._orders.order_by_key(owner, placed.request.key)["id"]
        return self.try_refund(account, order_id, items, key)

    def refund_order(
        self,
        account: Account,
        placed: Placed,
        items: list[tuple[str, int]] | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        response = self.try_refund_order(account, account, placed, items, key)
        return insist(response, 201, "refund the order")
