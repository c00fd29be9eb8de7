"""The catalogue of deliberate defects the acceptance suite must catch (switched on by name)."""

# Each defect is a faulty variant of ONE component of the `Platform`, defined here and nowhere
# else. Switching it on turns that component (in place, so every part holding it sees the change)
# into an instance of a subclass whose overridden method misbehaves. Several defects on the same
# component compose: each adds its own override.

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg_pool import ConnectionPool

from service.core.db import Database
from service.core.errors import ApiError, ErrorRenderer
from service.core.security import PasswordHasher, TokenService
from service.domain.access import AccessPolicy, Action, Principal
from service.domain.onboarding import Onboarding
from service.domain.payment_events import PaymentEvents
from service.domain.phone_numbers import PhoneNumbers
from service.domain.team import Team
from service.domain.wallet import Wallet
from service.providers.payments import PaymentIntent, PaymentProvider
from service.stores.onboarding import CompletionRecord
from service.stores.wallet import (
    LedgerEntry,
    PhoneNumber,
    ProviderEvent,
    Summary,
    TopUp,
    WalletStore,
)


@dataclass(frozen=True)
class Defect:
    summary: str
    component: str
    variant: type

    def apply(self, platform: Any) -> None:
        component = platform
        for name in self.component.split("."):  # "wallet.store": a part of a component
            component = getattr(component, name)
        make_faulty(component, self.variant)


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


# --- Payments, the wallet and the phone number -----------------------------------------------


class AmountSentInPounds(PaymentProvider):
    def _intent_params(self, amount_pence: int, metadata: dict[str, str]) -> dict[str, Any]:
        return {**super()._intent_params(amount_pence, metadata), "amount": amount_pence // 100}


class IdempotencyKeyNotSent(PaymentProvider):
    def _options(self, idempotency_key: str) -> dict[str, Any]:
        return {}


class StaleSignatureAccepted(PaymentProvider):
    def _tolerance(self) -> int | None:
        return None


class MissingSignatureAccepted(PaymentProvider):
    def verify_event(self, payload: bytes, signature_header: str | None) -> dict[str, Any]:
        if not signature_header:
            return json.loads(payload)
        return super().verify_event(payload, signature_header)


class CreditedOnIntentCreation(Wallet):
    def _intent_created(self, org_id: uuid.UUID, top_up: TopUp, intent: PaymentIntent) -> None:
        with self.store.db.tenant(org_id) as conn:
            self.store.credit(conn, org_id, "top_up", top_up.amount_pence, "Wallet top-up")


class LedgerPagesOverlap(Wallet):
    def ledger(self, org_id: uuid.UUID, limit: int, offset: int) -> tuple[list[LedgerEntry], int]:
        return super().ledger(org_id, limit, max(0, offset - 1))


class SummaryIgnoresRefunds(Wallet):
    def summary(self, org_id: uuid.UUID) -> Summary:
        summary = super().summary(org_id)
        return Summary(summary.purchased, summary.spent, 0, summary.bonus, summary.balance)


class ExactBalanceRefused(WalletStore):
    def charge(
        self, org_id: uuid.UUID, amount: int, description: str, reference: str | None = None
    ) -> int | None:
        if self.balance(org_id) <= amount:
            return None
        return super().charge(org_id, amount, description, reference)


class ChargeCheckNotAtomic(WalletStore):
    """Reads the balance, decides, then writes the computed balance: racing charges overwrite
    each other (the pause stands for the work a real handler does in between)."""

    def charge(
        self, org_id: uuid.UUID, amount: int, description: str, reference: str | None = None
    ) -> int | None:
        balance = self.balance(org_id)
        if balance < amount:
            return None
        time.sleep(0.05)
        with self.db.tenant(org_id) as conn:
            self._ensure_wallet(conn, org_id)
            conn.execute(
                "update wallets set balance_pence = %s where org_id = %s",
                (balance - amount, org_id),
            )
            self._entry(conn, org_id, "charge", -amount, description, reference)
        return balance - amount


class DuplicateEventCreditsTwice(PaymentEvents):
    def _seen_before(self, event_id: str) -> bool:
        return False

    def _settle(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, paid: int | None
    ) -> str:
        if paid is None:
            return super()._settle(org_id, top_up_id, event, paid)
        with self.store.db.tenant(org_id) as conn:
            conn.execute("update top_ups set status = 'succeeded' where id = %s", (top_up_id,))
            self.store.credit(conn, org_id, "top_up", paid, "Wallet top-up by card")
        return "credited"


class BalanceCheckedAfterProviderCall(PhoneNumbers):
    def provision(self, org_id: uuid.UUID) -> tuple[PhoneNumber, bool]:
        existing = self.store.phone_number(org_id)
        if existing is not None:
            return existing, False
        self._check_configured()
        bought = self._buy(org_id)  # the number is bought first ...
        self._charge(org_id, f"phone_number:{uuid.uuid4()}")  # ... then the balance is checked
        return self.store.save_phone_number(org_id, bought.e164, bought.provider_reference), True


class NoRefundWhenProviderFails(PhoneNumbers):
    def _refund(self, org_id: uuid.UUID, reference: str) -> None:
        return None


class ProvisioningRaceChargesTwice(PhoneNumbers):
    @contextmanager
    def _exclusive(self, org_id: uuid.UUID) -> Iterator[None]:
        yield


class MissingCredentialsCharge(PhoneNumbers):
    def _check_configured(self) -> None:
        return None


class WrongPasswordAccepted(PasswordHasher):
    def verify(self, encoded: str, password: str) -> bool:
        return True


class SuccessTreatedAsFailure(PaymentEvents):
    def _settle(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, paid: int | None
    ) -> str:
        return super()._settle(org_id, top_up_id, event, None)


class FailedPaymentCredits(PaymentEvents):
    def _settle(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, paid: int | None
    ) -> str:
        if paid is None:
            with self.store.db.tenant(org_id) as conn:
                row = conn.execute(
                    "select amount_pence from top_ups where id = %s", (top_up_id,)
                ).fetchone()
            paid = row["amount_pence"]
        return super()._settle(org_id, top_up_id, event, paid)


class FailedTopUpLeftPending(WalletStore):
    def top_up_failed(self, org_id: uuid.UUID, top_up_id: uuid.UUID) -> None:
        return None


class NumberNotRecorded(WalletStore):
    def save_phone_number(
        self, org_id: uuid.UUID, e164: str, provider_reference: str
    ) -> PhoneNumber:
        return PhoneNumber(e164, datetime.now(UTC))


class ViewerCanSpend(AccessPolicy):
    def allows(self, role: str, action: Action) -> bool:
        return action == Action.SPEND_CREDITS or super().allows(role, action)


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
    "amount_sent_in_pounds": Defect(
        "A top-up asks the payment provider for pounds instead of pence.",
        "payments",
        AmountSentInPounds,
    ),
    "idempotency_key_not_sent": Defect(
        "A top-up's payment is requested without an idempotency key.",
        "payments",
        IdempotencyKeyNotSent,
    ),
    "stale_signature_accepted": Defect(
        "Provider events signed long ago are accepted (no replay window).",
        "payments",
        StaleSignatureAccepted,
    ),
    "missing_signature_accepted": Defect(
        "Provider events with no signature at all are accepted.",
        "payments",
        MissingSignatureAccepted,
    ),
    "credited_on_intent_creation": Defect(
        "The wallet is credited as soon as the payment is requested, before anyone has paid.",
        "wallet",
        CreditedOnIntentCreation,
    ),
    "ledger_pages_overlap": Defect(
        "Each page of the ledger repeats the last entry of the page before.",
        "wallet",
        LedgerPagesOverlap,
    ),
    "summary_ignores_refunds": Defect(
        "The wallet summary leaves refunds out, so it disagrees with the balance.",
        "wallet",
        SummaryIgnoresRefunds,
    ),
    "exact_balance_refused": Defect(
        "Spending exactly the whole balance is refused as too little credit.",
        "wallet.store",
        ExactBalanceRefused,
    ),
    "charge_check_not_atomic": Defect(
        "Charges check the balance and write it back separately, so racing charges overwrite "
        "each other.",
        "wallet.store",
        ChargeCheckNotAtomic,
    ),
    "duplicate_event_credits_twice": Defect(
        "The same payment event delivered twice credits the wallet twice.",
        "payment_events",
        DuplicateEventCreditsTwice,
    ),
    "balance_checked_after_provider_call": Defect(
        "A phone number is bought from the provider before the balance is checked.",
        "phone_numbers",
        BalanceCheckedAfterProviderCall,
    ),
    "no_refund_when_provider_fails": Defect(
        "When the telephony provider fails after the charge, the merchant is not refunded.",
        "phone_numbers",
        NoRefundWhenProviderFails,
    ),
    "provisioning_race_charges_twice": Defect(
        "Two phone number requests at once both charge the wallet.",
        "phone_numbers",
        ProvisioningRaceChargesTwice,
    ),
    "missing_credentials_charge": Defect(
        "Without telephony credentials the wallet is charged before the request fails.",
        "phone_numbers",
        MissingCredentialsCharge,
    ),
    "wrong_password_accepted": Defect(
        "Signing in with a wrong password works.",
        "passwords",
        WrongPasswordAccepted,
    ),
    "success_treated_as_failure": Defect(
        "A payment the provider confirms is recorded as failed and never credited.",
        "payment_events",
        SuccessTreatedAsFailure,
    ),
    "failed_payment_credits": Defect(
        "A payment the provider reports as failed is credited as if it had succeeded.",
        "payment_events",
        FailedPaymentCredits,
    ),
    "failed_top_up_left_pending": Defect(
        "A top-up the payment provider could not take stays pending instead of failed.",
        "wallet.store",
        FailedTopUpLeftPending,
    ),
    "number_not_recorded": Defect(
        "A bought phone number is charged for but not recorded as the merchant's.",
        "phone_numbers.store",
        NumberNotRecorded,
    ),
    "viewer_can_spend": Defect(
        "A view-only team member can spend the merchant's credits.",
        "access",
        ViewerCanSpend,
    ),
}
