"""Defects of refunds and disputes of top-up payments, and of the wallet hold they may cause."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from service.defects.base import Defect
from service.domain.payment_events import PaymentEvents
from service.stores.wallet import ProviderEvent, Reversal, WalletStore


class CardRefundsIgnored(PaymentEvents):
    def _reverse(self, event: ProviderEvent, data: dict[str, Any]) -> str:
        return "ignored" if self.store.record_event(event) else "duplicate"


class CreditTakenBackTwice(WalletStore):
    @staticmethod
    def _still_owed() -> str:
        return "reversal_claimed_pence"


class ShortfallTakenToZero(WalletStore):
    def _short(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        reversal: Reversal,
        due: int,
    ) -> str:
        row = conn.execute(
            "update wallets set balance_pence = 0 where org_id = %s"
            " returning (select balance_pence from wallets where org_id = %s) as was",
            (org_id, org_id),
        ).fetchone()
        if row["was"]:
            self._entry(conn, org_id, "reversal", -row["was"], "Card payment reversed", None)
        return "taken_back"


class HoldNotEnforced(WalletStore):
    @staticmethod
    def _spendable() -> str:
        return "true"


class UncreditedTopUpTakenBack(WalletStore):
    @staticmethod
    def _credited(status: str) -> bool:
        return True


class RefundBeforePaymentForgotten(WalletStore):
    def _apply_earlier_reversal(
        self,
        conn: psycopg.Connection,
        org_id: uuid.UUID,
        top_up_id: uuid.UUID,
        event: ProviderEvent,
    ) -> None:
        return None


class MismatchedReversalTakenBack(PaymentEvents):
    def _reversal_mismatch(
        self, org_id: uuid.UUID, top_up_id: uuid.UUID, charge: dict[str, Any], claimed: Any
    ) -> str | None:
        return None


DEFECTS: dict[str, Defect] = {
    "card_refunds_ignored": Defect(
        "A refunded or disputed top-up payment is recorded and ignored: the credit stays.",
        "payment_events",
        CardRefundsIgnored,
    ),
    "credit_taken_back_twice": Defect(
        "Each refund or dispute takes back everything claimed so far, not only what is new.",
        "wallet.store",
        CreditTakenBackTwice,
    ),
    "shortfall_taken_to_zero": Defect(
        "A refund the wallet cannot cover takes what is there and forgets the rest: no hold.",
        "wallet.store",
        ShortfallTakenToZero,
    ),
    "hold_not_enforced": Defect(
        "A wallet on hold can still be spent from.",
        "wallet.store",
        HoldNotEnforced,
    ),
    "uncredited_top_up_taken_back": Defect(
        "A refund of a top-up that was never credited takes its amount from the wallet.",
        "wallet.store",
        UncreditedTopUpTakenBack,
    ),
    "refund_before_payment_forgotten": Defect(
        "A refund that arrives before its payment's confirmation is forgotten when the "
        "confirmation credits the top-up.",
        "wallet.store",
        RefundBeforePaymentForgotten,
    ),
    "mismatched_reversal_taken_back": Defect(
        "A refund or dispute in another currency, or for more than the top-up, is taken back "
        "as if it matched.",
        "payment_events",
        MismatchedReversalTakenBack,
    ),
}
