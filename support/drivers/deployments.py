"""Deploys the platform another way beside the scenario's target, to see whether it starts."""

from __future__ import annotations

import secrets

from support.clients.database import Database
from support.report.evidence import attach_text
from support.report.redaction import SECRETS
from support.report.shown import ShownAs
from support.target.cleanup import Cleanup
from support.target.run import LiveTarget

# Roles the suite creates start with this prefix, so that a crashed run's leftovers are findable.
PREFIX = "suite_role_"
HARMLESS_DEFECT = "names_not_trimmed"  # switched on when the run itself switched on none


class DeploymentsDriver(ShownAs):
    shown_as = "deployments driver"

    def __init__(
        self, target: LiveTarget, database: Database, cleanup: Cleanup, defects: tuple[str, ...]
    ) -> None:
        self._target = target
        self._database = database
        self._cleanup = cleanup
        self._defects = defects  # the run's own: a deployment started here carries them too

    def _refusal(self, what: str, **settings: object) -> str | None:
        refusal = self._target.refusal_to_start(**settings)
        attach_text(f"Deploying {what}", refusal or "It started.")
        return refusal

    def live_with_defects(self) -> str | None:
        """A deployment that does not declare itself a test one, with defects switched on."""
        password = secrets.token_urlsafe(12)
        SECRETS.add(password)
        return self._refusal(
            "a live deployment with deliberate defects",
            deployment="production",
            defects=self._defects or (HARMLESS_DEFECT,),
            app_db_role=self._new_role(password),
            app_db_password=password,
        )

    def live_without_password(self) -> str | None:
        return self._refusal(
            "a live deployment without its application role's password",
            deployment="production",
            app_db_password="",
        )

    def with_owner_rights(self) -> str | None:
        """A deployment whose own database role is a member of the tables' owner's role."""
        password = secrets.token_urlsafe(12)
        SECRETS.add(password)
        role = self._new_role(password)
        owner = self._database.read_quietly("select current_user as role")[0]["role"]
        self._database.change(
            "the deployment's role is made a member of the tables' owner's role",
            f'grant "{owner}" to "{role}"',
        )
        return self._refusal(
            "a deployment whose role has the owner's rights",
            app_db_role=role,
            app_db_password=password,
        )

    def _new_role(self, password: str) -> str:
        """A deployment's own role, removed after the scenario (with what it was granted)."""
        role = f"{PREFIX}{secrets.token_hex(6)}"
        self._database.change(
            "a database role of the deployment's own",
            f"create role \"{role}\" login nosuperuser nobypassrls password '{password}'",
        )
        self._cleanup.add(
            "remove the deployment's role",
            lambda: self._database.change_quietly(f'drop owned by "{role}"; drop role "{role}"'),
        )
        return role
