"""Changes made to a merchant's records outside the API, as an administrator's tool would."""

from __future__ import annotations

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
