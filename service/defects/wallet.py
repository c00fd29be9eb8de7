"""Defects of the wallet: top-ups, the provider's events, charges, the ledger and summary."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from service.defects.base import Defect
from service.domain.payment_events import PaymentEvents
from service.domain.rules import CHARGE_DESCRIPTION_MAX, TOP_UP_MIN_PENCE
from service.domain.wallet import Wallet
from service.providers.payments import PaymentIntent, PaymentProvider
from service.stores.wallet import (
    LedgerEntry,
    ProviderEvent,
    Summary,
    TopUp,
    WalletStore,
)


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


class DeclinedThenPaidNeverCredited(WalletStore):
    @staticmethod
    def _still_payable() -> str:
        return "status in ('creating', 'awaiting_payment')"


class ArrivalOrderDecides(WalletStore):
    @staticmethod
    def _still_payable() -> str:
        return "status in ('creating', 'awaiting_payment', 'failed')"


class FailedTopUpLeftPending(WalletStore):
    def top_up_failed(self, org_id: uuid.UUID, top_up_id: uuid.UUID) -> None:
        return None


class TopUpsOverTheLimitAccepted(Wallet):
    def _amount_allowed(self, amount: int) -> bool:
        return amount >= TOP_UP_MIN_PENCE


class MismatchedPaymentNotReviewed(PaymentEvents):
    def _review_reason(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, intent: dict[str, Any]
    ) -> str | None:
        return None


class ReviewNotLogged(PaymentEvents):
    def _hold_for_review(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, event: ProviderEvent, reason: str
    ) -> str:
        return self.store.hold_top_up_for_review(org_id, top_up_id, event, reason)


class EventFieldsTrusted(PaymentEvents):
    """Takes a signed event's id, type and creation time as they come: a missing one is
    filled in, one of another kind is converted."""

    def _read(self, event: dict[str, Any]) -> ProviderEvent:
        created = event.get("created")
        try:
            when = datetime.fromtimestamp(int(created), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            when = datetime.now(UTC)
        return ProviderEvent(str(event.get("id")), str(event.get("type")), when)


class CurrencyCaseSensitive(PaymentEvents):
    @staticmethod
    def _currency(payment: dict[str, Any]) -> str:
        return str(payment.get("currency") or "")


class LongestDescriptionRefused(Wallet):
    @staticmethod
    def _description_allowed(description: str) -> bool:
        return len(description) < CHARGE_DESCRIPTION_MAX


class DescriptionLengthUnchecked(Wallet):
    @staticmethod
    def _description_allowed(description: str) -> bool:
        return True


DEFECTS: dict[str, Defect] = {
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
    "declined_then_paid_never_credited": Defect(
        "A top-up whose card was declined is never credited, even when the provider later "
        "confirms the customer paid with another card.",
        "wallet.store",
        DeclinedThenPaidNeverCredited,
    ),
    "arrival_order_decides": Defect(
        "A payment confirmation credits a failed top-up even when it is older than the failure.",
        "wallet.store",
        ArrivalOrderDecides,
    ),
    "failed_top_up_left_pending": Defect(
        "A top-up the payment provider could not take stays pending instead of failed.",
        "wallet.store",
        FailedTopUpLeftPending,
    ),
    "top_ups_over_the_limit_accepted": Defect(
        "Top-ups above £1,000 are accepted and sent to the payment provider.",
        "wallet",
        TopUpsOverTheLimitAccepted,
    ),
    "currency_case_sensitive": Defect(
        "A confirmation whose currency is written in capitals (GBP) is held for review as "
        "another currency.",
        "payment_events",
        CurrencyCaseSensitive,
    ),
    "longest_description_refused": Defect(
        "A charge described in 200 characters, the most a description holds, is refused.",
        "wallet",
        LongestDescriptionRefused,
    ),
    "description_length_unchecked": Defect(
        "A charge described in more than 200 characters is taken.",
        "wallet",
        DescriptionLengthUnchecked,
    ),
    "mismatched_payment_not_reviewed": Defect(
        "A confirmation for another amount or currency is not held for review (the old "
        "silent 'ignored', or credited as if it matched).",
        "payment_events",
        MismatchedPaymentNotReviewed,
    ),
    "event_fields_trusted": Defect(
        "A signed provider event without its reference, without saying what happened, or "
        "without a usable creation time is processed anyway, with values made up for it.",
        "payment_events",
        EventFieldsTrusted,
    ),
    "review_not_logged": Defect(
        "A confirmation held for review is not logged as an error: operators never hear of it.",
        "payment_events",
        ReviewNotLogged,
    ),
}
