"""Defects of accounts, access and tenancy: tokens, passwords, roles, team, isolation, errors."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg_pool import ConnectionPool

from service.core.db import Database
from service.core.errors import ApiError, ErrorRenderer
from service.core.security import PasswordHasher, TokenService
from service.defects.base import Defect
from service.domain.access import AccessPolicy, Action, Principal
from service.domain.team import Team


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
}
