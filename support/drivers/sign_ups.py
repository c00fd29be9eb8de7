"""Merchants signing up from places of their own (client addresses), to a deployment that
allows only a few sign-ups an hour from one address."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import httpx

from support.builders.data import AccountDetails, Builders
from support.drivers.accounts import AccountsDriver
from support.drivers.base import insist
from support.report.shown import ShownAs


class SignUpsDriver(ShownAs):
    shown_as = "sign-ups from several places"

    def __init__(
        self,
        accounts_at: Callable[[str], AccountsDriver],
        build: Builders,
    ) -> None:
        self._accounts_at = accounts_at  # the platform, reached from a client address
        self._build = build
        self._places: dict[str, str] = {}
        self.last_tried: AccountDetails | None = None

    def place(self, name: str) -> str:
        """A client address of this machine's loopback network, one per name and scenario,
        never the suite's usual 127.0.0.1 or 127.0.0.2 (so no other scenario counts there)."""
        if name not in self._places:
            second, third, fourth = (
                secrets.randbelow(250) + 3,
                secrets.randbelow(256),
                secrets.randbelow(254) + 1,
            )
            self._places[name] = f"127.{second}.{third}.{fourth}"
        return self._places[name]

    def try_sign_up_from(self, name: str) -> httpx.Response:
        """A merchant signs up from the place (its details kept as `last_tried`)."""
        self.last_tried = self._build.merchant()
        return self._accounts_at(self.place(name)).try_sign_up(self.last_tried)

    def sign_up_from(self, name: str, count: int) -> None:
        """`count` merchants sign up from the place; each must be accepted."""
        for number in range(1, count + 1):
            insist(self.try_sign_up_from(name), 201, f"sign merchant {number} of {count} up")
