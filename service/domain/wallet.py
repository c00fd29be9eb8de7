"""The prepaid wallet: balance, ledger, summary, spending, and top-ups paid by card."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from service.core.errors import ApiError, not_found
from service.domain.rules import (
    CHARGE_DESCRIPTION_MAX,
    LEDGER_OFFSET_MAX,
    TOP_UP_MAX_PENCE,
    TOP_UP_MIN_PENCE,
)
from service.providers import ProviderNotConfigured, ProviderRefused, ProviderUnavailable
from service.providers.payments import PaymentIntent, PaymentProvider
from service.stores.wallet import LedgerEntry, Summary, TopUp, TopUpState, WalletStore

log = logging.getLogger("service.domain.wallet")

PAYMENTS_UNAVAILABLE = "Card payments are not available right now, so nothing was charged."
TOP_UP_RANGE_MESSAGE = (
    f"A top-up must be a whole number of credits from {TOP_UP_MIN_PENCE:,} to {TOP_UP_MAX_PENCE:,}."
)


def too_little_credit(needed: int) -> ApiError:
    return ApiError(
        402,
        "insufficient_funds",
        f"Your wallet needs at least £{needed / 100:,.2f} for this. Please top it up first.",
    )


WALLET_ON_HOLD_MESSAGE = (
    "Your wallet is on hold because a card payment for one of your top-ups was refunded or "
    "disputed, so nothing was charged. Please contact support to settle it."
)


def spending_refused(store: WalletStore, org_id: uuid.UUID, needed: int) -> ApiError:
    """Why a charge the store refused was refused: the wallet is on hold, or too low."""
    if store.on_hold(org_id):
        return ApiError(409, "wallet_on_hold", WALLET_ON_HOLD_MESSAGE)
    return too_little_credit(needed)


@dataclass(frozen=True)
class StartedTopUp:
    top_up: TopUp
    client_secret: str


class Wallet:
    def __init__(self, store: WalletStore, payments: PaymentProvider) -> None:
        self.store = store
        self.payments = payments

    def summary(self, org_id: uuid.UUID) -> Summary:
        return self.store.summary(org_id)

    def ledger(self, org_id: uuid.UUID, limit: int, offset: int) -> tuple[list[LedgerEntry], int]:
        if offset > self._offset_max():
            raise ApiError(
                400,
                "invalid_request",
                f"The ledger can be read from entry {self._offset_max():,} at the furthest.",
            )
        return self.store.ledger_page(org_id, limit, offset)

    def _offset_max(self) -> int:
        return LEDGER_OFFSET_MAX

    def top_up_state(self, org_id: uuid.UUID, top_up_id: str) -> TopUpState:
        """One of the merchant's top-ups; unknown, malformed and other merchants' ids alike
        are not found."""
        try:
            wanted = uuid.UUID(top_up_id)
        except ValueError:
            raise not_found("We could not find that top-up.") from None
        state = self.store.top_up_state(org_id, wanted)
        if state is None:
            raise not_found("We could not find that top-up.")
        return state

    def spend(self, org_id: uuid.UUID, amount: int, description: str) -> int:
        """Takes credits from the wallet; 402 (and nothing changes) when there are too few,
        409 when the wallet is on hold."""
        if not self._description_allowed(description):
            raise ApiError(
                400,
                "invalid_request",
                f"The description must be 1 to {CHARGE_DESCRIPTION_MAX} characters of text "
                "without control or formatting characters.",
            )
        balance = self.store.charge(org_id, amount, description)
        if balance is None:
            raise spending_refused(self.store, org_id, amount)
        return balance

    @staticmethod
    def _description_allowed(description: str) -> bool:
        return len(description) <= CHARGE_DESCRIPTION_MAX

    def top_up(
        self, org_id: uuid.UUID, amount: int, top_up_id: uuid.UUID | None = None
    ) -> StartedTopUp:
        """Asks the provider for a payment of exactly `amount` pence. The wallet is credited
        later, when the provider's signed "payment succeeded" event arrives.

        `top_up_id` is given when the client sent an idempotency key: the provider's key is
        made from it, so the same client key can never become two payments.
        """
        if not self._amount_allowed(amount):
            raise ApiError(400, "invalid_request", TOP_UP_RANGE_MESSAGE)
        top_up = self.store.new_top_up(org_id, amount, top_up_id)
        if top_up is None:
            raise ApiError(
                409,
                "idempotency_key_reused",
                "This Idempotency-Key already started a top-up. Use a new key for a new top-up.",
            )
        try:
            intent = self.payments.create_intent(
                amount,
                top_up.provider_idempotency_key,
                {"top_up_id": str(top_up.id), "org_id": str(org_id)},
            )
        except ProviderNotConfigured:
            self.store.top_up_failed(org_id, top_up.id)
            raise ApiError(503, "provider_unavailable", PAYMENTS_UNAVAILABLE) from None
        except ProviderRefused as refused:
            self.store.top_up_failed(org_id, top_up.id)
            raise ApiError(402, "payment_declined", str(refused)) from None
        except ProviderUnavailable:
            self.store.top_up_failed(org_id, top_up.id)
            raise ApiError(
                503,
                "provider_unavailable",
                "We could not reach our payment provider, so nothing was charged. "
                "Please try again.",
            ) from None
        sent = self.store.top_up_sent(org_id, top_up.id, intent.id)
        self._intent_created(org_id, sent, intent)
        return StartedTopUp(sent, intent.client_secret)

    def _amount_allowed(self, amount: int) -> bool:
        return TOP_UP_MIN_PENCE <= amount <= TOP_UP_MAX_PENCE

    def _intent_created(self, org_id: uuid.UUID, top_up: TopUp, intent: PaymentIntent) -> None:
        """Nothing is credited here: only the provider's event says the money arrived."""
