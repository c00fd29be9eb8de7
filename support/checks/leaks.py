"""Finds what an error message must never show: traces, SQL, schema names, paths, tokens, others."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from support.report.redaction import SECRETS

_TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
_PATH = re.compile(r"(?:/[\w.-]+){2,}\.py\b|site-packages|/usr/(?:lib|local)/|[A-Z]:\\\\")
_SQL = re.compile(
    r"\b(?:select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|psycopg|postgres"
    r"|sqlstate|pl/pgsql|relation \"|violates|constraint|syntax error|duplicate key)\b",
    re.IGNORECASE,
)


# Names of the libraries and exceptions behind the platform: an error naming them says how it
# is built (and invites a targeted attack).
_INTERNALS = re.compile(
    r"\b(?:jwt|pyjwt|decodeerror|expiredsignatureerror|invalidtokenerror|signature verification"
    r"|not enough segments|pydantic|fastapi|starlette|uvicorn|validationerror|keyerror"
    r"|typeerror|valueerror|attributeerror|exception|errno)\b",
    re.IGNORECASE,
)

# Exception class names, whatever the library: CamelCase words ending in Error, Exception,
# Violation or Warning (psycopg's UniqueViolation, PL/pgSQL's RaiseException, HTTPException).
_CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Violation|Warning)\b")


@dataclass(repr=False)
class LeakContext:
    """What must stay hidden in this scenario: schema names and internal ids of merchants.
    Tokens, passwords and secrets come from the run's secret registry."""

    schema_names: frozenset[str] = frozenset()
    hidden_ids: set[str] = field(default_factory=set)

    def __repr__(self) -> str:
        return "<what errors must not reveal>"


def find_leaks(text: str, context: LeakContext) -> list[str]:
    found = []
    if _TRACE.search(text):
        found.append("a stack trace")
    if match := _PATH.search(text):
        found.append(f"a file path ({match.group(0)!r})")
    if match := _SQL.search(text):
        found.append(f"database language ({match.group(0)!r})")
    if match := _INTERNALS.search(text):
        found.append(f"the platform's inner workings ({match.group(0)!r})")
    if match := _CLASS_NAME.search(text):
        found.append(f"the name of an error class ({match.group(0)!r})")
    lowered = text.lower()
    names = sorted(
        name for name in context.schema_names if re.search(rf"\b{re.escape(name)}\b", lowered)
    )
    if names:
        found.append(f"table or column names ({', '.join(names)})")
    if SECRETS.redact(text) != text:
        found.append("an access token, password or secret")
    ids = sorted(i for i in context.hidden_ids if i and i.lower() in lowered)
    if ids:
        found.append(f"internal identifiers of merchants or users ({len(ids)})")
    return found
