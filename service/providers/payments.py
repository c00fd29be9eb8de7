"""The payment provider (Stripe's API, through the official SDK over `requests`)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import stripe

from service.providers import ProviderNotConfigured, ProviderRefused, ProviderUnavailable

log = logging.getLogger("service.payments")

CURRENCY = "gbp"
SIGNATURE_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    amount: int
    currency: str
    status: str
    client_secret: str


class PaymentProvider:
    def __init__(self, api_key: str, webhook_secret: str) -> None:
        self._api_key = api_key
        self._webhook_secret = webhook_secret
        self._client: stripe.StripeClient | None = None

    def _stripe(self) -> stripe.StripeClient:
        if not self._api_key:
            raise ProviderNotConfigured("PAYMENTS_API_KEY is not set")
        if self._client is None:
            # Through `requests` (not the SDK's default client) and without the SDK's own
            # retries: a retry is the caller's decision, made with the same idempotency key.
            self._client = stripe.StripeClient(
                self._api_key, http_client=stripe.RequestsClient(), max_network_retries=0
            )
        return self._client

    def create_intent(
        self, amount_pence: int, idempotency_key: str, metadata: dict[str, str]
    ) -> PaymentIntent:
        """A payment intent for exactly `amount_pence` pence; the card is confirmed by the
        merchant's browser with the client secret, and the provider reports the outcome."""
        return self._new_intent(self._intent_params(amount_pence, metadata), idempotency_key)

    def charge(
        self,
        amount_pence: int,
        idempotency_key: str,
        metadata: dict[str, str],
        payment_method: str,
    ) -> PaymentIntent:
        """A payment intent for exactly `amount_pence` pence, confirmed at once with the
        customer's card (for orders, which are paid while the customer waits)."""
        params = self._charge_params(amount_pence, metadata, payment_method)
        return self._new_intent(params, idempotency_key)

    def _new_intent(self, params: dict[str, Any], idempotency_key: str) -> PaymentIntent:
        try:
            intent = self._stripe().v1.payment_intents.create(
                params=params, options=self._options(idempotency_key)
            )
        except stripe.CardError as error:
            raise ProviderRefused(error.user_message or "The card was declined.") from error
        except stripe.StripeError as error:
            log.warning("The payment provider failed: %s", error)
            raise ProviderUnavailable(str(error)) from error
        return PaymentIntent(
            intent.id, intent.amount, intent.currency, intent.status, intent.client_secret or ""
        )

    def _charge_params(
        self, amount_pence: int, metadata: dict[str, str], payment_method: str
    ) -> dict[str, Any]:
        return {
            "amount": amount_pence,
            "currency": CURRENCY,
            "metadata": metadata,
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
        }

    def refund(
        self, intent_id: str, amount_pence: int, idempotency_key: str, metadata: dict[str, str]
    ) -> str:
        """Refunds exactly `amount_pence` pence of a paid intent; returns the refund's id."""
        params = self._refund_params(intent_id, amount_pence, metadata)
        try:
            refund = self._stripe().v1.refunds.create(
                params=params, options=self._options(idempotency_key)
            )
        except (stripe.InvalidRequestError, stripe.CardError) as error:
            raise ProviderRefused(error.user_message or str(error)) from error
        except stripe.StripeError as error:
            log.warning("The payment provider failed: %s", error)
            raise ProviderUnavailable(str(error)) from error
        if refund.status in ("failed", "canceled"):
            raise ProviderRefused(f"The refund {refund.status}.")
        return refund.id

    def _refund_params(
        self, intent_id: str, amount_pence: int, metadata: dict[str, str]
    ) -> dict[str, Any]:
        return {"payment_intent": intent_id, "amount": amount_pence, "metadata": metadata}

    def _intent_params(self, amount_pence: int, metadata: dict[str, str]) -> dict[str, Any]:
        return {
            "amount": amount_pence,
            "currency": CURRENCY,
            "metadata": metadata,
            "automatic_payment_methods": {"enabled": True},
        }

    def _options(self, idempotency_key: str) -> dict[str, Any]:
        return {"idempotency_key": idempotency_key}

    def verify_event(self, payload: bytes, signature_header: str | None) -> dict[str, Any]:
        """The event (as plain data), if its signature is the provider's and recent; raises
        otherwise.

        stripe.SignatureVerificationError: missing, malformed or wrong signature, or signed
        more than the tolerance ago or ahead (the SDK checks only the past).
        ValueError: the payload is not a JSON object.
        """
        if not self._webhook_secret:
            raise ProviderNotConfigured("PAYMENTS_WEBHOOK_SECRET is not set")
        header = signature_header or ""
        stripe.WebhookSignature.verify_header(
            payload, header, self._webhook_secret, self._tolerance()
        )
        self._check_not_ahead(header, payload)
        event = json.loads(payload)
        if not isinstance(event, dict):
            raise ValueError("The event is not a JSON object.")
        return event

    def _check_not_ahead(self, header: str, payload: bytes) -> None:
        """A timestamp far ahead would keep a captured event replayable for that long."""
        allowance = self._future_tolerance()
        signed_at = int(next(part[2:] for part in header.split(",") if part.startswith("t=")))
        if allowance is not None and signed_at > time.time() + allowance:
            raise stripe.SignatureVerificationError(
                "Timestamp ahead of the tolerance zone", header, payload.decode("utf-8")
            )

    def _future_tolerance(self) -> int | None:
        return SIGNATURE_TOLERANCE_SECONDS

    def _tolerance(self) -> int | None:
        return SIGNATURE_TOLERANCE_SECONDS
