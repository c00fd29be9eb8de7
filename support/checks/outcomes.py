"""How the platform refused something: the reason, the error's shape, and that it leaks nothing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import httpx

from support.checks.leaks import LeakContext, find_leaks
from support.drivers.base import describe, insist


@dataclass(frozen=True)
class _Reason:
    status: int
    code: str
    said: str


class Refusal(Enum):
    INVALID = _Reason(400, "invalid_request", "refused as invalid")
    NOT_SIGNED_IN = _Reason(401, "unauthorized", "refused because the caller is not signed in")
    WRONG_CREDENTIALS = _Reason(
        401, "invalid_credentials", "refused because the email or password is wrong"
    )
    BAD_SIGNATURE = _Reason(
        401, "invalid_signature", "refused because its signature cannot be trusted"
    )
    NOT_ENOUGH_CREDIT = _Reason(
        402, "insufficient_funds", "refused because the wallet holds too little credit"
    )
    CARD_DECLINED = _Reason(402, "payment_declined", "refused because the card was declined")
    PAYMENT_DECLINED = _Reason(402, "payment_declined", "refused because the card was declined")
    OUT_OF_STOCK = _Reason(409, "out_of_stock", "refused because too little is in stock")
    SOLD_OUT_WHILE_PAID = _Reason(
        409,
        "out_of_stock_after_payment",
        "refused because its items sold out before the card payment went through",
    )
    IDEMPOTENCY_CONFLICT = _Reason(
        409,
        "idempotency_conflict",
        "refused because its idempotency key was used for another request",
    )
    WALLET_ON_HOLD = _Reason(
        409, "wallet_on_hold", "refused because the wallet is on hold after a reversed payment"
    )
    ORDER_BEING_PLACED = _Reason(
        409, "order_in_progress", "told that the order it is for is still being placed"
    )
    ORDER_NOT_PAID = _Reason(409, "order_not_paid", "refused because the order is not paid")
    REFUND_TOO_LARGE = _Reason(
        409, "refund_exceeds_order", "refused because it is more than is left to refund"
    )
    NOT_ALLOWED = _Reason(403, "forbidden", "refused because the role does not allow it")
    NOT_FOUND = _Reason(404, "not_found", "reported as not found")
    ALREADY_EXISTS = _Reason(409, "conflict", "refused because it already exists")
    STILL_IN_PROGRESS = _Reason(
        409, "request_in_progress", "told that the same request is still being processed"
    )
    KEY_REUSED = _Reason(
        409, "idempotency_key_reused", "refused because its key was used for another request"
    )
    TOO_LARGE = _Reason(413, "request_too_large", "refused as too large")
    TOO_MANY_ATTEMPTS = _Reason(429, "too_many_attempts", "refused after too many attempts")
    SERVER_APOLOGY = _Reason(500, "internal_error", "answered with an apology for a fault")
    PROVIDER_FAILED = _Reason(502, "provider_error", "answered that the outside provider failed")
    PROVIDER_UNAVAILABLE = _Reason(
        503, "provider_unavailable", "answered that the outside provider is not available"
    )


def error_of(response: httpx.Response) -> dict:
    """The error envelope's inner object, or a failure saying the shape was wrong."""
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"Expected an error in the platform's one shape, but the answer was not readable: "
            f"{describe(response)}"
        ) from None
    error = body.get("error") if isinstance(body, dict) else None
    if (
        not isinstance(error, dict)
        or set(body) != {"error"}
        or not isinstance(error.get("code"), str)
        or not isinstance(error.get("message"), str)
        or not error["message"].strip()
    ):
        raise AssertionError(
            "Expected an error in the platform's one shape (a reason code and a plain message), "
            f"but got: {describe(response)}"
        )
    return error


def expect_refused(response: httpx.Response, reason: Refusal, leaks: LeakContext) -> dict:
    """The request was refused for this reason, in the one error shape, revealing nothing."""
    expected = reason.value
    if response.status_code != expected.status:
        raise AssertionError(
            f"Expected the request to be {expected.said}, but the platform answered "
            f"{describe(response)}."
        )
    error = error_of(response)
    if error["code"] != expected.code:
        raise AssertionError(
            f"Expected the request to be {expected.said} (reason '{expected.code}'), "
            f"but the reason given was '{error['code']}'."
        )
    expect_reveals_nothing(response, leaks)
    return error


def expect_reveals_nothing(response: httpx.Response, leaks: LeakContext) -> None:
    found = find_leaks(response.text, leaks)
    if found:
        raise AssertionError(
            "Expected the error to reveal nothing of the platform's internals, but it shows "
            + "; ".join(found)
            + "."
        )


def expect_accepted(response: httpx.Response, status: int, action: str) -> None:
    insist(response, status, action)


def expect_plain_refusal(response: httpx.Response, leaks: LeakContext) -> dict:
    """Any refusal: an error status, the one error shape, and nothing revealed."""
    if response.status_code < 400:
        raise AssertionError(
            f"Expected the platform to refuse, but it accepted: {describe(response)}."
        )
    error = error_of(response)
    expect_reveals_nothing(response, leaks)
    return error


def expect_same_refusal(response: httpx.Response, reference: httpx.Response, what: str) -> None:
    """Two refusals read the same: status, reason and words (nothing tells them apart)."""
    seen = (response.status_code, error_of(response))
    expected = (reference.status_code, error_of(reference))
    if seen != expected:
        raise AssertionError(
            f"Expected the refusal to read exactly as it does for {what}, "
            f"but it was {describe(response)} against {describe(reference)}."
        )
