"""Someone guessing a merchant's password: wrong passwords in a row, from here or elsewhere."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from support.drivers.accounts import Account, AccountsDriver
from support.drivers.base import describe
from support.report.shown import ShownAs


class GuessingDriver(ShownAs):
    shown_as = "password guessing driver"

    def __init__(self, accounts: AccountsDriver, elsewhere: Callable[[], AccountsDriver]) -> None:
        self._accounts = accounts
        self._elsewhere = elsewhere  # the same platform, reached from another client address

    def wrong_passwords(self, account: Account, count: int, from_elsewhere: bool = False) -> None:
        """`count` wrong passwords in a row; each must be refused as a wrong password."""
        accounts = self._elsewhere() if from_elsewhere else self._accounts
        for attempt in range(1, count + 1):
            answer = accounts.try_sign_in(account.email, f"not-the-password-{attempt}")
            if answer.status_code != 401:
                raise AssertionError(
                    f"Expected wrong password {attempt} of {count} to be refused as a wrong "
                    f"password, but the platform answered {describe(answer)}."
                )

    def try_right_password(self, account: Account) -> httpx.Response:
        return self._accounts.try_sign_in(account.email, account.password)
