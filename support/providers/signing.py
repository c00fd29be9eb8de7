"""Builds and signs payment-provider events exactly as the provider does (Stripe's scheme)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import stripe

from support.report.redaction import SECRETS

TOLERANCE_SECONDS = 300  # the provider's own default: older signatures are refused


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "t.payload" keyed with the secret>`."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class SignedEvent:
    """What the provider would post: the exact bytes and the signature header over them."""

    event: dict[str, Any]
    payload: bytes
    header: str

    def __repr__(self) -> str:  # the report lists step arguments; the header stays out
        return f"<{self.event['type']} event {self.event['id']}>"


def payment_intent_event(
    event_type: str,
    intent: dict[str, Any],
    *,
    created: int | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """An event in the provider's shape, wrapping a payment intent object."""
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": created if created is not None else int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": intent},
    }


def sign(
    event: dict[str, Any],
    secret: str,
    *,
    timestamp: int | None = None,
    signature: str | None = None,
) -> SignedEvent:
    """Sign an event; timestamp and signature can be overridden to build bad deliveries."""
    SECRETS.add(secret)
    payload = json.dumps(event, separators=(",", ":")).encode()
    stamp = timestamp if timestamp is not None else int(time.time())
    header = signature if signature is not None else signature_header(payload, secret, stamp)
    return SignedEvent(event, payload, header)


def sign_with_provider_library(event: dict[str, Any], secret: str) -> SignedEvent:
    """Signed by the payment provider's own library (its test-header helper), over the event
    formatted as the provider sends it (indented), not as the suite formats it."""
    SECRETS.add(secret)
    payload = json.dumps(event, indent=2)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret)
    return SignedEvent(event, payload.encode(), header)
