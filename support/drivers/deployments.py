"""Deploys the platform another way beside the scenario's target, to see whether it starts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg

from support.clients.database import Database
from support.report.evidence import attach_text
from support.report.redaction import SECRETS
from support.report.shown import ShownAs
from support.target.cleanup import Cleanup
from support.target.inprocess import TEST_WEBHOOKS_DOMAIN
from support.target.run import LiveTarget

# Roles the suite creates start with this prefix, so that a crashed run's leftovers are findable.
PREFIX = "suite_role_"
HARMLESS_DEFECT = "names_not_trimmed"  # switched on when the run itself switched on none
SIGN_IN_SECONDS = 3.0  # how long a deployment tries to sign in to its role before refusing


@dataclass(frozen=True)
class DeployedRole:
    role: str
    password: str
    stored: str | None  # the server's hash of the password, where the suite may read it

    def __repr__(self) -> str:  # the report lists step arguments; the password stays out
        return f"<database role {self.role}>"


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
            webhooks_test_domain="",  # only the defects are wrong with it
        )

    def live_with_test_domain(self) -> str | None:
        """A deployment that does not declare itself a test one, yet accepts merchants'
        endpoints under the suite's test domain without checking where they lead (the run's
        own defects, if any, stay on: the policy must refuse the domain before them)."""
        password = secrets.token_urlsafe(12)
        SECRETS.add(password)
        return self._refusal(
            "a live deployment with the webhooks' test domain",
            deployment="production",
            app_db_role=self._new_role(password),
            app_db_password=password,
            webhooks_test_domain=TEST_WEBHOOKS_DOMAIN,
        )

    def live_without_password(self) -> str | None:
        return self._refusal(
            "a live deployment without its application role's password",
            deployment="production",
            app_db_password="",
            webhooks_test_domain="",  # only the password is wrong with it
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

    def deployment_with_own_role(self) -> DeployedRole:
        """A deployment's database role as a first deployment left it: its name and password."""
        password = secrets.token_urlsafe(12)
        SECRETS.add(password)
        role = self._new_role(password)
        return DeployedRole(role, password, self._stored_password(role))

    def same_role_other_password(self, first: DeployedRole) -> str | None:
        """A second deployment on this server given the first's role with a password of its own."""
        password = secrets.token_urlsafe(12)
        SECRETS.add(password)
        return self._refusal(
            "a second deployment given the first one's role with another password",
            app_db_role=first.role,
            app_db_password=password,
            db_connect_timeout=SIGN_IN_SECONDS,
        )

    def password_checked(self) -> bool:
        """Whether the database server checks passwords on the suite's connections (the
        embedded one trusts every local connection)."""
        return not self._database.signs_in(
            self._database.read_quietly("select current_user as role")[0]["role"],
            "not-the-password-" + secrets.token_hex(8),
        )

    def password_kept(self, role: DeployedRole) -> bool:
        """Whether the role still has the password it was created with: its stored hash is
        unchanged (salted, so even setting the same password again changes it) where the
        suite may read it, else the password still signs in (where the server checks it)."""
        stored = self._stored_password(role.role)
        if stored is not None:
            return stored == role.stored
        return self._database.signs_in(role.role, role.password)

    def _stored_password(self, role: str) -> str | None:
        try:
            rows = self._database.read_quietly(
                "select rolpassword from pg_authid where rolname = %s", (role,)
            )
        except psycopg.errors.InsufficientPrivilege:
            return None
        return rows[0]["rolpassword"] if rows else ""

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
