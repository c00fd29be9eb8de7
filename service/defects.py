"""The catalogue of deliberate defects the acceptance suite must catch (switched on by name)."""

# Each defect is a faulty variant of ONE component of the `Platform`, defined here and nowhere
# else. Switching it on turns that component (in place, so every part holding it sees the change)
# into an instance of a subclass whose overridden method misbehaves. Several defects on the same
# component compose: each adds its own override.

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg_pool import ConnectionPool

from service.access import AccessPolicy, Action, Principal
from service.db import Database
from service.errors import ApiError, ErrorRenderer
from service.onboarding import Onboarding
from service.security import TokenService
from service.stores.onboarding import CompletionRecord
from service.team import Team


@dataclass(frozen=True)
class Defect:
    summary: str
    component: str
    variant: type

    def apply(self, platform: Any) -> None:
        make_faulty(getattr(platform, self.component), self.variant)


def make_faulty(component: object, variant: type) -> None:
    base = type(component)
    faulty = type(f"{variant.__name__}Applied", (variant, base), {"__module__": __name__})
    component.__class__ = faulty


def apply_defects(platform: Any, names: tuple[str, ...]) -> None:
    for name in names:
        CATALOGUE[name].apply(platform)


# --- Onboarding -----------------------------------------------------------------------------


class TelemetryFailureReported(Onboarding):
    def _event_not_recorded(self, exc: Exception) -> None:
        raise exc


class StatusIgnoresTenant(Onboarding):
    def _completion_state(self, org_id: uuid.UUID) -> tuple[bool, datetime | None]:
        with self.store.db.owner() as conn:
            row = conn.execute(
                "select onboarding_completed_at from organisations"
                " where onboarding_completed_at is not null"
                " order by onboarding_completed_at desc limit 1"
            ).fetchone()
        return True, row["onboarding_completed_at"] if row else None


class StatusBlocksOnStoreFailure(Onboarding):
    def _status_unavailable(self, exc: Exception) -> bool:
        raise exc


class NamesNotTrimmed(Onboarding):
    def _clean(self, value: str | None, limit: int) -> str | None:
        return value


class CompletionNotIdempotent(Onboarding):
    def complete(
        self, org_id: uuid.UUID, business_name: str | None, category: str | None
    ) -> CompletionRecord:
        _, completed_at = self.store.completion_state(org_id)
        if completed_at is not None:
            raise ApiError(409, "conflict", "Onboarding has already been completed.")
        return super().complete(org_id, business_name, category)


# --- Errors, tokens, access, team, database --------------------------------------------------


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


class DatabaseIsolationMissing(Database):
    def _tenant_pool(self) -> ConnectionPool:
        return self._owner()


CATALOGUE: dict[str, Defect] = {
    "telemetry_failure_reported": Defect(
        "A failure to save a wizard event is reported to the merchant instead of ignored.",
        "onboarding",
        TelemetryFailureReported,
    ),
    "status_ignores_tenant": Defect(
        "Whether a merchant needs onboarding is answered from the last merchant who finished it.",
        "onboarding",
        StatusIgnoresTenant,
    ),
    "status_blocks_on_store_failure": Defect(
        "When onboarding status cannot be read, the merchant gets an error instead of the app.",
        "onboarding",
        StatusBlocksOnStoreFailure,
    ),
    "names_not_trimmed": Defect(
        "Business name and category are saved with their spaces and at any length.",
        "onboarding",
        NamesNotTrimmed,
    ),
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
    "completion_not_idempotent": Defect(
        "Finishing onboarding a second time is refused as a conflict.",
        "onboarding",
        CompletionNotIdempotent,
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
}
