"""Accounts driver: sign-up, sign-in, team members, and reading one's own account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from support.builders.data import AccountDetails
from support.clients import paths
from support.clients.api import ApiClient
from support.drivers.base import insist
from support.report.shown import ShownAs


@dataclass
class Account:
    """Someone who can sign in: a merchant's owner or one of its team members."""

    email: str
    password: str = field(repr=False)  # kept out of reprs: the report shows step arguments
    organisation_id: str = ""
    user_id: str = ""
    role: str = ""
    token: str | None = field(default=None, repr=False)


class AccountsDriver(ShownAs):
    shown_as = "accounts driver"

    def __init__(
        self,
        api: ApiClient,
        on_new_organisation: Callable[[str], None],
        on_failed_sign_in: Callable[[str], None] = lambda email: None,
    ) -> None:
        self._api = api
        # Called for every organisation the platform creates, so that the run can remove it.
        self._on_new_organisation = on_new_organisation
        # Called for every refused sign-in, so that the run can forget the platform's count.
        self._on_failed_sign_in = on_failed_sign_in

    def through(self, api: ApiClient) -> AccountsDriver:
        """The same driver, talking to the platform through another client."""
        return AccountsDriver(api, self._on_new_organisation, self._on_failed_sign_in)

    def try_sign_up(self, details: AccountDetails | dict) -> httpx.Response:
        fields = (
            details
            if isinstance(details, dict)
            else {
                "email": details.email,
                "password": details.password,
                "business_name": details.business_name,
            }
        )
        body = {key: value for key, value in fields.items() if value is not None}
        response = self._api.request("POST", paths.SIGN_UP, json=body)
        if response.status_code == 201:
            self._on_new_organisation(response.json()["organisation"]["id"])
        return response

    def sign_up(self, details: AccountDetails) -> Account:
        """Signs up and signs in: the merchant's owner, ready to act."""
        created = insist(self.try_sign_up(details), 201, "sign the merchant up")
        owner = Account(
            email=details.email,
            password=details.password,
            organisation_id=created["organisation"]["id"],
            user_id=created["user"]["id"],
            role=created["user"]["role"],
        )
        self.sign_in(owner)
        return owner

    def try_sign_in(self, email: str, password: str) -> httpx.Response:
        response = self._api.request(
            "POST", paths.LOG_IN, json={"email": email, "password": password}
        )
        if response.status_code != 200:
            self._on_failed_sign_in(email)
        return response

    def sign_in(self, account: Account) -> str:
        account.token = self.sign_in_as(account.email, account.password)
        return account.token

    def sign_in_as(self, email: str, password: str) -> str:
        answer = insist(self.try_sign_in(email, password), 200, "sign in")
        return answer["access_token"]

    def try_own_account(self, token: str | None) -> httpx.Response:
        return self._api.request("GET", paths.ME, token=token)

    def own_account(self, account: Account) -> dict:
        return insist(self.try_own_account(account.token), 200, "show the account")

    def try_add_team_member(
        self,
        account: Account,
        details: AccountDetails,
        role: str,
        extra: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """`extra` members are sent beside the ones the request takes (as an attacker would)."""
        body = {"email": details.email, "password": details.password, "role": role, **(extra or {})}
        return self._api.request("POST", paths.TEAM_MEMBERS, token=account.token, json=body)

    def add_team_member(self, owner: Account, details: AccountDetails, role: str) -> Account:
        """Adds a member to the owner's organisation and signs the member in."""
        created = insist(
            self.try_add_team_member(owner, details, role), 201, f"add a {role} team member"
        )
        member = Account(
            email=details.email,
            password=details.password,
            organisation_id=owner.organisation_id,
            user_id=created["id"],
            role=created["role"],
        )
        self.sign_in(member)
        return member

    def try_view_team_member(self, account: Account, member_id: str) -> httpx.Response:
        return self._api.request("GET", paths.team_member(member_id), token=account.token)
