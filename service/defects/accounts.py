"""Defects of accounts, access and tenancy: tokens, passwords, roles, team, isolation, errors."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from service.core.db import Database, owner_conninfo
from service.core.errors import INTERNAL_ERROR_MESSAGE, ApiError, ErrorRenderer
from service.core.security import PasswordHasher, TokenService
from service.defects.base import Defect
from service.domain.access import AccessPolicy, Action, Principal
from service.domain.accounts import Accounts
from service.domain.team import Team
from service.stores.accounts import AccountStore, Organisation, User


class SqlInServerErrors(ErrorRenderer):
    def internal_error_message(self, exc: BaseException) -> str:
        return str(exc)


class ExpiredTokensAccepted(TokenService):
    def _options(self, header: dict[str, Any]) -> dict[str, Any]:
        return {**super()._options(header), "verify_exp": False}


class AlgNoneAccepted(TokenService):
    def _options(self, header: dict[str, Any]) -> dict[str, Any]:
        options = super()._options(header)
        if str(header.get("alg", "")).lower() == "none":
            options["verify_signature"] = False
        return options


class TokenSignatureUnchecked(TokenService):
    def _options(self, header: dict[str, Any]) -> dict[str, Any]:
        options = super()._options(header)
        if header.get("alg") == "HS256":
            options["verify_signature"] = False
        return options


class DatabaseIsolationMissing(Database):
    def _tenant_pool(self) -> ConnectionPool:
        return self._owner()


class TenantPolicyLetsEveryRowThrough(Database):
    """Adds a permissive `using (true)` policy to one tenant table, once, before the first
    tenant query: permissive policies are OR-ed, so it lets every row through exactly as
    replacing the table's own policy would. (It stays in the database the defect run starts
    and throws away.)"""

    def _tenant_pool(self) -> ConnectionPool:
        if not getattr(self, "_every_row_through", False):
            # Its own short connection as the owner, not the owner pool: this defect is about
            # the guard, not about who the service queries as.
            conninfo = owner_conninfo(self._settings, application_name="merchant-defect")
            with psycopg.connect(conninfo) as conn, conn.transaction():
                conn.execute("select pg_advisory_xact_lock(7305120499)")
                conn.execute("drop policy if exists defect_every_row on top_ups")
                conn.execute(
                    "create policy defect_every_row on top_ups using (true) with check (true)"
                )
            self._every_row_through = True
        return super()._tenant_pool()


class ViewerCanComplete(AccessPolicy):
    def allows(self, role: str, action: Action) -> bool:
        return action == Action.COMPLETE_ONBOARDING or super().allows(role, action)


class OtherMerchantMemberRevealed(Team):
    def _member_missing(self, principal: Principal, member_id: uuid.UUID) -> None:
        with self._store.db.owner() as conn:
            row = conn.execute("select org_id from users where id = %s", (member_id,)).fetchone()
        if row is not None and row["org_id"] != principal.org_id:
            raise ApiError(403, "forbidden", "This team member belongs to another organisation.")
        super()._member_missing(principal, member_id)


class WrongPasswordAccepted(PasswordHasher):
    def verify(self, encoded: str, password: str) -> bool:
        return True


class ViewerCanSpend(AccessPolicy):
    def allows(self, role: str, action: Action) -> bool:
        return action == Action.SPEND_CREDITS or super().allows(role, action)


class FounderMadeAdmin(AccountStore):
    def create_organisation(
        self, org_id: uuid.UUID, name: str, email: str, password_hash: str
    ) -> tuple[Organisation, User]:
        org, user = super().create_organisation(org_id, name, email, password_hash)
        with self.db.tenant(org_id) as conn:
            conn.execute("update users set role = 'admin' where id = %s", (user.id,))
        return org, User(user.id, user.org_id, user.email, "admin")


class SignInAddressOnlyLowerCased(Accounts):
    """Takes the address as typed, only lower-cased: spaces around it find no account."""

    def sign_in_address(self, typed: str) -> str:
        return typed.lower()


class TakenEmailAnsweredAsFault(Accounts):
    def _email_taken(self) -> ApiError:
        return ApiError(500, "internal_error", INTERNAL_ERROR_MESSAGE)


class RoleTakenFromToken(Accounts):
    def _current_role(self, user: User, token_role: str) -> str:
        return token_role


DEFECTS: dict[str, Defect] = {
    "sql_in_server_errors": Defect(
        "Server errors show the database's own error text to the merchant.",
        "errors",
        SqlInServerErrors,
    ),
    "expired_tokens_accepted": Defect(
        "Expired sign-ins keep working.",
        "tokens",
        ExpiredTokensAccepted,
    ),
    "alg_none_accepted": Defect(
        "Unsigned access tokens are trusted.",
        "tokens",
        AlgNoneAccepted,
    ),
    "token_signature_unchecked": Defect(
        "Access tokens signed with any key are trusted.",
        "tokens",
        TokenSignatureUnchecked,
    ),
    "database_isolation_missing": Defect(
        "The service reads and writes as the tables' owner, so the database does not keep "
        "merchants apart.",
        "db",
        DatabaseIsolationMissing,
    ),
    "tenant_policy_lets_every_row_through": Defect(
        "One table holding merchants' data has a guard that lets every merchant's rows through.",
        "db",
        TenantPolicyLetsEveryRowThrough,
    ),
    "viewer_can_complete": Defect(
        "A view-only team member can finish onboarding for the business.",
        "access",
        ViewerCanComplete,
    ),
    "other_merchant_member_revealed": Defect(
        "Looking up another merchant's team member reveals that the member exists.",
        "team",
        OtherMerchantMemberRevealed,
    ),
    "wrong_password_accepted": Defect(
        "Signing in with a wrong password works.",
        "passwords",
        WrongPasswordAccepted,
    ),
    "viewer_can_spend": Defect(
        "A view-only team member can spend the merchant's credits.",
        "access",
        ViewerCanSpend,
    ),
    "sign_in_address_not_normalised": Defect(
        "Sign-in lower-cases the email address as typed but does not normalise it.",
        "accounts",
        SignInAddressOnlyLowerCased,
    ),
    "founder_made_admin": Defect(
        "A merchant who signs up is made an admin of the new organisation, not its owner.",
        "accounts._store",
        FounderMadeAdmin,
    ),
    "taken_email_answered_as_fault": Defect(
        "Signing up with an email address that has an account fails as a server fault.",
        "accounts",
        TakenEmailAnsweredAsFault,
    ),
    "role_taken_from_token": Defect(
        "A member keeps the rights of the role in the token after the role is lowered.",
        "accounts",
        RoleTakenFromToken,
    ),
}
