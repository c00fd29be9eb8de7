"""Removes tokens, passwords, card data and signing secrets from anything bound for the report."""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import ahocorasick_rs
import orjson

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
# Shapes of secrets that must never reach a report even inside free text, each with the pieces
# of text one of which it must hold: most strings hold none, and are left without a regular
# expression pass (a pattern with no literal start is tried at every position of the text).
_SECRET_SHAPES = (
    # JSON Web Tokens (any algorithm, even none)
    (("eyJ",), re.compile(r"eyJ[\w-]{4,}\.[\w-]*\.[\w-]*")),
    # payment provider API keys
    (("_test_", "_live_"), re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[\w]{6,}")),
    (("whsec_",), re.compile(r"\bwhsec_[\w]{6,}")),  # webhook signing secrets
    (("v1=",), re.compile(r"\bv1=[0-9a-f]{16,}")),  # signature values inside a signature header
)
# Any of those pieces, in one expression: one search of a text instead of one per piece.
_MARKS = re.compile("|".join(re.escape(mark) for marks, _ in _SECRET_SHAPES for mark in marks))
# Card numbers: 13 to 19 digits, perhaps in groups, standing alone (no letter, digit or plus
# sign before: not an international phone number, a plus sign then up to 15 digits). Only tried
# on a text holding 13 digits or more. The look behind comes after the first digit, so that the
# search only starts at digits: it was `(?<!\+)\b(?:\d[ -]?){13,19}\b`, which finds the same
# numbers, and was tried at every position of every text (a third of the cost of showing a run).
_CARD_NUMBER = re.compile(r"\d(?<![\w+]\d)(?:[ -]?\d){12,18}[ -]?\b")
_CARD_DIGITS = 13
_DIGITS = b"0123456789"
# No secret is shorter: a registered value has 8 characters or more (SecretRegistry), a token
# 9 (eyJ, 4 characters, two dots), a key or signing secret 12 or more, a card number 13 digits.
# A quarter of the strings of a report are shorter, and are left as they are.
SHORTEST_SECRET = 8


class SecretRegistry:
    """Values the run has seen that must never appear in the report (passwords, tokens, keys).

    A long run registers thousands of values, and every attachment is redacted. Replacing each
    value in turn grew with the run's length; instead one pass over the text finds where they
    occur, and only those places are replaced.

    The pass is an Aho-Corasick automaton (`SecretsFinder`, which the results' audit uses too).
    Building it takes a few milliseconds, so it is rebuilt once for every `_REBUILD_AFTER` new
    values, and the few added since (a scenario's own) are looked for one by one.
    """

    _SHORTEST = SHORTEST_SECRET  # the shortest value kept (shorter would redact ordinary words)
    _REBUILD_AFTER = 32

    def __init__(self) -> None:
        self._values: set[str] = set()
        # Every value but the recent ones in an automaton, and the recent ones: replaced whole
        # (under the lock) by each addition, and read without the lock, as one attribute.
        self._found_by: tuple[SecretsFinder | None, tuple[str, ...]] = (None, ())
        self._lock = threading.Lock()

    def add(self, value: str | None) -> None:
        if value and len(value) >= self._SHORTEST:
            with self._lock:
                if value in self._values:
                    return
                self._values.add(value)
                finder, recent = self._found_by
                recent = (*recent, value)
                if len(recent) >= self._REBUILD_AFTER:
                    finder, recent = SecretsFinder.of(self._values), ()
                self._found_by = (finder, recent)

    def values(self) -> list[str]:
        with self._lock:
            every = set(self._values)
        return sorted(every, key=len, reverse=True)

    def found_in(self, text: str) -> set[str]:
        """The registered values that occur in the text (one pass, whatever their number)."""
        finder, recent = self._found_by
        found = finder.found_in(text) if finder else set()
        found.update(value for value in recent if value in text)
        return found

    def redact(self, text: str) -> str:
        """Every registered value in the text replaced by the redaction mark. Where values
        overlap or touch, the mark replaces them together: replacing one value, then the
        others, would leave behind the part of another that overlapped the first."""
        finder, recent = self._found_by
        spans = finder.spans_in(text) if finder else []
        for value in recent:
            start = text.find(value)
            while start != -1:
                spans.append((start, start + len(value)))
                start = text.find(value, start + 1)
        if not spans:
            return text
        shown, shown_up_to = [], 0
        spans.sort()
        start, end = spans[0]
        for next_start, next_end in spans[1:]:
            if next_start > end:
                shown += [text[shown_up_to:start], REDACTED]
                shown_up_to, start = end, next_start
            end = max(end, next_end)
        shown += [text[shown_up_to:start], REDACTED, text[end:]]
        return "".join(shown)


class SecretsFinder:
    """Which of many values (each long enough to be a secret) occur in a text or in bytes.

    An Aho-Corasick automaton: one walk over the text, whatever the number of values. It is
    ahocorasick_rs (Rust's aho-corasick crate), which walked a run's attachments four times as
    fast as pyahocorasick (5 against 20 microseconds a document). Every occurrence is reported,
    overlapping ones too: a value inside or across another is found as well.
    """

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self._in_text = ahocorasick_rs.AhoCorasick(values)
        self._in_bytes: ahocorasick_rs.BytesAhoCorasick | None = None  # built when first needed

    @classmethod
    def of(cls, values: Iterable[str]) -> SecretsFinder | None:
        """A finder of the values long enough to be a secret (a shorter one would be found in
        ordinary words); None when no value is."""
        kept = sorted({value for value in values if len(value) >= SHORTEST_SECRET})
        return cls(kept) if kept else None

    def found_in(self, text: str) -> set[str]:
        matches = self._in_text.find_matches_as_indexes(text, overlapping=True)
        return {self.values[index] for index, _, _ in matches}

    def spans_in(self, text: str) -> list[tuple[int, int]]:
        """Where each occurrence of a value starts and ends in the text."""
        matches = self._in_text.find_matches_as_indexes(text, overlapping=True)
        return [(start, end) for _, start, end in matches]

    def found_in_bytes(self, data: bytes) -> set[str]:
        """The values whose UTF-8 spelling occurs in the bytes (a file, read as it is)."""
        if self._in_bytes is None:
            spelled = [value.encode("utf-8", "surrogatepass") for value in self.values]
            self._in_bytes = ahocorasick_rs.BytesAhoCorasick(spelled)
        matches = self._in_bytes.find_matches_as_indexes(data, overlapping=True)
        return {self.values[index] for index, _, _ in matches}


SECRETS = SecretRegistry()


def redact_text(text: str) -> str:
    """Replace every known secret and every secret-shaped string in free text."""
    if len(text) < SHORTEST_SECRET:
        return text
    text = SECRETS.redact(text)
    if _MARKS.search(text):
        for marks, shape in _SECRET_SHAPES:
            if any(mark in text for mark in marks):
                text = shape.sub(REDACTED, text)
    encoded = text.encode("utf-8", "surrogatepass")  # counting digits in bytes: 4 times faster
    if len(encoded) - len(encoded.translate(None, _DIGITS)) >= _CARD_DIGITS:
        text = _CARD_NUMBER.sub(REDACTED, text)
    return text


# Joins the texts of a document to check them together: no mark holds it, and it ends a card
# number as the end of a text does. A registered value holding it would only send the document
# the long way.
_APART = "\x00"


def _any_to_redact(texts: list[str]) -> bool:
    """Whether redact_text would change any of the texts, checked on all of them at once.

    Whatever redact_text finds in one text (a registered value, a mark, a card number) is in
    the texts joined by _APART too; what is found only across two of them sends the document
    the long way, each text redacted in turn. Most documents hold nothing: one pass in C over
    the whole document, instead of one call per string, halved the cost of redacting a run.
    """
    joined = _APART.join(texts)
    return bool(SECRETS.found_in(joined) or _MARKS.search(joined) or _CARD_NUMBER.search(joined))


_Shown = TypeVar("_Shown")


def _redacted(shown_with: Callable[[Callable[[str], str]], _Shown]) -> _Shown:
    """A document as `shown_with` shows it, given what to do with each of its texts: first with
    its texts kept as they are, to be checked together; when anything is found in them, again
    with each text redacted in turn (the long way)."""
    texts: list[str] = []

    def kept(text: str) -> str:
        if len(text) >= SHORTEST_SECRET:
            texts.append(text)
        return text

    shown = shown_with(kept)
    if texts and _any_to_redact(texts):
        return shown_with(redact_text)
    return shown


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return redact_together([headers], [])[0][0]


def redacted_body(raw: bytes | str | None) -> RedactedBody:
    """A body redacted once, to be shown pretty (in an exchange) or compact (in a curl)."""
    return redact_together([], [raw])[1][0]


def redact_together(
    headers: Sequence[Iterable[tuple[str, str]]], bodies: Sequence[bytes | str | None]
) -> tuple[list[list[tuple[str, str]]], list[RedactedBody]]:
    """What `redact_headers` gives for each list of headers and `redacted_body` for each body,
    with one check of all their texts (an exchange has four parts, and one check instead of
    four took a fifth off the cost of showing it)."""
    masked = [_masked_headers(each) for each in headers]
    parsed = [_parsed_body(raw) for raw in bodies]
    return _redacted(
        lambda on_text: (
            [[(name, on_text(value)) for name, value in each] for each in masked],
            [_shown_body(body, on_text) for body in parsed],
        )
    )


def _masked_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    masked = []
    for name, value in headers:
        if name.lower() in SENSITIVE_HEADERS:
            scheme = value.split(" ", 1)[0] if name.lower() == "authorization" else ""
            value = f"{scheme} {REDACTED}".strip() if scheme and " " in value else REDACTED
        masked.append((name, value))
    return masked


def _parsed_body(raw: bytes | str | None) -> RedactedBody:
    """A body as read, not yet redacted: its JSON value, or its text when it is not JSON."""
    if raw is None or raw == b"" or raw == "":
        return RedactedBody(text="")
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        return RedactedBody(data=json.loads(text))
    except ValueError:
        return RedactedBody(text=text)


def _shown_body(body: RedactedBody, on_text: Callable[[str], str]) -> RedactedBody:
    if body.text is not None:
        return RedactedBody(text=on_text(body.text))
    return RedactedBody(data=_copy_masked(body.data, on_text))


def redact_data(data: Any) -> Any:
    """Deep copy of a JSON-like value with sensitive keys masked and secret shapes removed."""
    return _redacted(lambda on_text: _copy_masked(data, on_text))


def _copy_masked(data: Any, on_text: Callable[[str], str]) -> Any:
    """A deep copy with the values of sensitive keys masked, and each other text as `on_text`
    gives it back."""
    kind = type(data)  # JSON's own types first: asking an abstract class costs more
    if kind is str:
        return on_text(data)
    if kind in _PLAIN_SCALARS:
        return data
    if kind is dict or isinstance(data, Mapping):
        return {
            key: REDACTED
            if _sensitive_key(key) and data[key] not in (None, "")
            else _copy_masked(data[key], on_text)
            for key in data
        }
    if isinstance(data, list | tuple):
        return [_copy_masked(item, on_text) for item in data]
    if isinstance(data, str):
        return on_text(data)
    return data


_PLAIN_SCALARS = frozenset({int, float, bool, type(None)})


@functools.lru_cache(maxsize=4096)  # a report's documents use a few hundred keys, again and again
def _sensitive_key(key: Any) -> bool:
    return bool(_SENSITIVE_KEY.search(str(key)))


@dataclass(frozen=True)
class RedactedBody:
    """A request or response body, redacted: its JSON value (when it is JSON) or its text."""

    data: Any = None
    text: str | None = None

    def pretty(self) -> str:
        if self.text is not None:
            return self.text
        return pretty_json(self.data)

    def compact(self) -> str:
        if self.text is not None:
            return self.text
        return json.dumps(self.data, separators=(",", ":"), ensure_ascii=False)


def pretty_json(data: Any) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False, default=str)`, written by orjson when it
    writes the same values: Python's encoder runs in Python when it indents, and was a fifth of
    the cost of a run's report. Numbers are spelled as orjson spells them (0.00001 for 1e-05).

    Meant for JSON's own values (what json.loads gives back). Python's encoder writes whatever
    orjson would write otherwise: an integer beyond 64 bits, text that is not valid UTF-8, a key
    that is not text, a date or a dataclass (orjson refuses each, as asked), and a float that
    is not finite (orjson writes it as null, as if absent)."""
    try:
        written = orjson.dumps(data, option=_AS_PYTHON_WOULD)
    except TypeError:
        return json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if b"null" in written and _not_finite_inside(data):
        return json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return written.decode()


# orjson writes dates and dataclasses its own way, not as str() gives them: they are refused.
_AS_PYTHON_WOULD = (
    orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _not_finite_inside(data: Any) -> bool:
    if isinstance(data, float):
        return not math.isfinite(data)
    if isinstance(data, Mapping):
        return any(_not_finite_inside(value) for value in data.values())
    if isinstance(data, list | tuple):
        return any(_not_finite_inside(item) for item in data)
    return False
