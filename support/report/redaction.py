"""Removes tokens, passwords, card data and signing secrets from anything bound for the report."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "«redacted»"

SENSITIVE_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "stripe-signature", "x-signature", "x-api-key"}
)
# Keys whose values are secret wherever they appear in a JSON document.
_SENSITIVE_KEY = re.compile(
    r"(password|passwd|secret|token|authori[sz]ation|api[_-]?key|signature|card|cvc|cvv|pan"
    r"|client_secret|auth_token)",
    re.IGNORECASE,
)
# Shapes of secrets that must never reach a report even inside free text.
_SECRET_SHAPES = (
    re.compile(r"eyJ[\w-]{4,}\.[\w-]*\.[\w-]*"),  # JSON Web Tokens (any algorithm, even none)
    re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[\w]{6,}"),  # payment provider API keys
    re.compile(r"\bwhsec_[\w]{6,}"),  # webhook signing secrets
    re.compile(r"\bv1=[0-9a-f]{16,}"),  # signature values inside a signature header
    # Card numbers; not an international phone number (a plus sign, then up to 15 digits).
    re.compile(r"(?<!\+)\b(?:\d[ -]?){13,19}\b"),
)
# The shapes as one pattern: one pass over a text instead of one per shape (evidence redacts
# every string of every exchange, most of them short).
_ANY_SECRET_SHAPE = re.compile("|".join(f"(?:{shape.pattern})" for shape in _SECRET_SHAPES))


class SecretRegistry:
    """Values the run has seen that must never appear in the report (passwords, tokens, keys).

    A long run registers thousands of values, and every attachment is redacted. Replacing each
    value in turn grew with the run's length; instead the values are indexed by their first
    eight characters, one pass over the text finds which of them can occur, and only those are
    replaced (longest first, so that a value inside another never leaves part of it behind).
    """

    _PREFIX = 8  # the shortest value kept (shorter ones would redact ordinary words)

    def __init__(self) -> None:
        self._by_prefix: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if value and len(value) >= self._PREFIX:
            with self._lock:
                self._by_prefix.setdefault(value[: self._PREFIX], set()).add(value)

    def values(self) -> list[str]:
        with self._lock:
            every = {value for values in self._by_prefix.values() for value in values}
        return sorted(every, key=len, reverse=True)

    def found_in(self, text: str) -> set[str]:
        """The registered values that occur in the text (one pass, whatever their number)."""
        size = self._PREFIX
        with self._lock:
            index = self._by_prefix
            candidates = {
                value
                for start in range(len(text) - size + 1)
                for value in index.get(text[start : start + size], ())
            }
        return {value for value in candidates if value in text}

    def redact(self, text: str) -> str:
        """Every registered value in the text replaced by the redaction mark."""
        for value in sorted(self.found_in(text), key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return text


SECRETS = SecretRegistry()


def redact_text(text: str) -> str:
    """Replace every known secret and every secret-shaped string in free text."""
    return _ANY_SECRET_SHAPE.sub(REDACTED, SECRETS.redact(text))


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    redacted = []
    for name, value in headers:
        if name.lower() in SENSITIVE_HEADERS:
            scheme = value.split(" ", 1)[0] if name.lower() == "authorization" else ""
            value = f"{scheme} {REDACTED}".strip() if scheme and " " in value else REDACTED
        redacted.append((name, redact_text(value)))
    return redacted


def redact_data(data: Any) -> Any:
    """Deep copy of a JSON-like value with sensitive keys masked and secret shapes removed."""
    if isinstance(data, Mapping):
        return {
            key: REDACTED
            if _SENSITIVE_KEY.search(str(key)) and data[key] not in (None, "")
            else redact_data(data[key])
            for key in data
        }
    if isinstance(data, list | tuple):
        return [redact_data(item) for item in data]
    if isinstance(data, str):
        return redact_text(data)
    return data


def redact_body(raw: bytes | str | None) -> str:
    """A request or response body as readable, redacted text (pretty JSON when it is JSON)."""
    if raw is None or raw == b"" or raw == "":
        return ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return json.dumps(redact_data(json.loads(text)), indent=2, ensure_ascii=False)
    except ValueError:
        return redact_text(text)
