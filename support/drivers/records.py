"""Changes made to a merchant's records outside the API, as an administrator's tool would."""

from __future__ import annotations

from datetime import timedelta

from support.clients.database import Database
from support.drivers.accounts import Account
from support.report.shown import ShownAs


class RecordChanges(ShownAs):
    shown_as = "changes outside the API"

    def __init__(self, database: Database) -> None:
        self._database = database

    def change_role(self, member: Account, role: str) -> None:
        """The member's own row changes; it goes with the merchant when the scenario ends."""
        self._database.change(
            f"the team member's role becomes {role}",
            "update users set role = %s where id = %s",
            (role, member.user_id),
        )

    def age_request_key(self, account: Account, key: str, age: timedelta) -> None:
        """The merchant's request with this idempotency key was made `age` ago."""
        self._database.change(
            f"the request with the key {key!r} was made {age} ago",
            "update idempotent_requests set created_at = now() - make_interval(secs => %s)"
            " where org_id = %s and key = %s",
            (age.total_seconds(), account.organisation_id, key),
        )

    def lead_subscription_to(self, account: Account, subscription_id: str, url: str) -> None:
        """The subscription's address now leads to `url`, as if the name the merchant gave had
        been pointed elsewhere since (the suite cannot re-point a real name)."""
        self._database.change(
            f"the subscription's address now leads to {url}",
            "update webhook_subscriptions set url = %s where org_id = %s and id = %s",
            (url, account.organisation_id, subscription_id),
        )
