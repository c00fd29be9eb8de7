"""Attaches what the suite did and saw (HTTP, rows, keys, provider calls) to the report."""

from __future__ import annotations

import contextlib
import json
import shlex
from dataclasses import dataclass, field
from typing import Any

import allure

from support.report.redaction import REDACTED, redact_body, redact_data, redact_headers, redact_text


@dataclass
class HttpExchange:
    """One request and its response, kept raw; everything shown of it goes through redaction."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int | None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    duration_ms: float = 0.0
    error: str | None = None

    @property
    def title(self) -> str:
        outcome = self.status if self.status is not None else f"no answer ({self.error})"
        return f"HTTP {self.method} {self.url} → {outcome} in {self.duration_ms:.0f} ms"

    def as_curl(self) -> str:
        """A shell command that repeats the request; the bearer token is left as a variable."""
        parts = ["curl", "-sS", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.request_headers:
            lowered = name.lower()
            if lowered in {"host", "content-length", "accept-encoding", "connection", "user-agent"}:
                continue
            if lowered == "authorization":
                parts += ["-H", '"Authorization: Bearer $MERCHANT_TOKEN"']
                continue
            shown = dict(redact_headers([(name, value)]))[name]
            parts += ["-H", shlex.quote(f"{name}: {shown}")]
        if self.request_body:
            parts += ["--data-raw", shlex.quote(_compact(self.request_body))]
        return " ".join(parts)

    def render(self) -> str:
        lines = [
            self.title,
            "",
            f"{self.method} {self.url}",
            *(f"{n}: {v}" for n, v in redact_headers(self.request_headers)),
            "",
            redact_body(self.request_body) or "(no body)",
            "",
            "--- response ---",
        ]
        if self.status is None:
            lines.append(f"no response: {redact_text(self.error or '')}")
        else:
            lines += [
                f"status {self.status}",
                *(f"{n}: {v}" for n, v in redact_headers(self.response_headers)),
                "",
                redact_body(self.response_body) or "(no body)",
            ]
        lines += ["", "--- reproduce ---", self.as_curl()]
        return "\n".join(lines)


def _compact(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    try:
        return json.dumps(redact_data(json.loads(text)), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return redact_text(text)


def _attach(body: str, name: str, kind: str) -> None:
    """Attach to the running Gherkin step. allure-pytest-bdd follows scenarios only: in a plain
    test (the harness's own tests) there is no step to attach to, and nothing is attached."""
    with contextlib.suppress(KeyError):  # allure_commons: no test case or step is running
        allure.attach(body, name=name, attachment_type=kind)


def attach_exchange(exchange: HttpExchange) -> None:
    _attach(exchange.render(), exchange.title, allure.attachment_type.TEXT)


def attach_rows(title: str, query: str, params: Any, rows: list[dict[str, Any]]) -> None:
    """What a checker read from the database: the query, its parameters and the rows."""
    body = {
        "query": " ".join(query.split()),
        "parameters": redact_data(_jsonable(params)),
        "rows": redact_data(_jsonable(rows)),
    }
    _attach(
        json.dumps(body, indent=2, ensure_ascii=False, default=str),
        f"Database: {title} ({len(rows)} rows)",
        allure.attachment_type.JSON,
    )


def attach_json(title: str, data: Any) -> None:
    _attach(
        json.dumps(redact_data(_jsonable(data)), indent=2, ensure_ascii=False, default=str),
        title,
        allure.attachment_type.JSON,
    )


def attach_text(title: str, text: str) -> None:
    _attach(redact_text(text), title, allure.attachment_type.TEXT)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


__all__ = [
    "REDACTED",
    "HttpExchange",
    "attach_exchange",
    "attach_json",
    "attach_rows",
    "attach_text",
]
