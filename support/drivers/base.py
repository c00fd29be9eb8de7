"""What every driver shares: turning an unexpected answer into a sentence a reader understands."""

from __future__ import annotations

from typing import Any

import httpx

from support.report.redaction import redact_text


def describe(response: httpx.Response) -> str:
    """`403 forbidden: Your role does not allow this action.` — redacted, fit for a failure.
    An answer without the error envelope shows its body (cut short) instead."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict) and "code" in error:
        detail = f"{error.get('code')}: {error.get('message')}"
    else:
        detail = f"with the body {response.text[:300]!r}" if response.text else "with no body"
    return redact_text(f"{response.status_code} {detail}")


def insist(response: httpx.Response, status: int, action: str) -> Any:
    """The entity the platform returned, or a failure saying what was asked and what came back."""
    if response.status_code != status:
        raise AssertionError(
            f"Expected the platform to {action}, but it answered {describe(response)}."
        )
    body = response.json() if response.content else None
    if isinstance(body, dict) and "error" in body:
        raise AssertionError(
            f"Expected the platform's answer to {action} to carry no error, but it carries "
            f"{redact_text(str(body['error']))}."
        )
    return body
