"""Attaches what the suite did and saw (HTTP, rows, keys, provider calls) to the report."""

from __future__ import annotations

import contextlib
import json
import shlex
from dataclasses import dataclass, field
from typing import Any

import allure
import allure_commons

from support.report.redaction import (
    REDACTED,
    pretty_json,
    redact_data,
    redact_text,
    redact_together,
)


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
        return _Shown(self).curl()

    def render(self) -> str:
        return _Shown(self).text()


# The longest body shown whole. The longest a scenario reads is about 50 KB (a page of 100
# entries); the bodies above it are the limit scenarios' megabyte of blanks, which made half of a
# run's results (three 2 MB attachments, the body twice each) for nobody to read.
SHOWN_BODY_CHARACTERS = 64 * 1024


def _cut(text: str, size: int) -> str:
    """A redacted body as shown: whole, or its start and how much was left out."""
    if len(text) <= SHOWN_BODY_CHARACTERS:
        return text
    return (
        f"{text[:SHOWN_BODY_CHARACTERS]}\n… the body is {size:,} bytes long: the rest is not shown"
    )


class _Shown:
    """What the report shows of one exchange: each part redacted once (the request's headers
    and body appear twice, in the exchange and in its curl command). A body is redacted whole,
    then cut to SHOWN_BODY_CHARACTERS: a cut never leaves part of a secret behind."""

    def __init__(self, exchange: HttpExchange) -> None:
        self.exchange = exchange
        headers, bodies = redact_together(
            [exchange.request_headers, exchange.response_headers],
            [exchange.request_body, exchange.response_body],
        )
        self.request_headers, self.response_headers = headers
        self.request_data, self.response_data = bodies

    def curl(self) -> str:
        ex = self.exchange
        parts = ["curl", "-sS", "-X", ex.method, shlex.quote(ex.url)]
        for name, shown in self.request_headers:
            lowered = name.lower()
            if lowered in {"host", "content-length", "accept-encoding", "connection", "user-agent"}:
                continue
            if lowered == "authorization":
                parts += ["-H", '"Authorization: Bearer $MERCHANT_TOKEN"']
                continue
            parts += ["-H", shlex.quote(f"{name}: {shown}")]
        if len(ex.request_body) > SHOWN_BODY_CHARACTERS:
            size = len(ex.request_body)
            parts += ["--data-binary", "@request-body", f"# its {size:,} bytes are not shown"]
        elif ex.request_body:
            parts += ["--data-raw", shlex.quote(self.request_data.compact())]
        return " ".join(parts)

    def text(self) -> str:
        ex = self.exchange
        lines = [
            ex.title,
            "",
            f"{ex.method} {ex.url}",
            *(f"{n}: {v}" for n, v in self.request_headers),
            "",
            _cut(self.request_data.pretty(), len(ex.request_body)) or "(no body)",
            "",
            "--- response ---",
        ]
        if ex.status is None:
            lines.append(f"no response: {redact_text(ex.error or '')}")
        else:
            lines += [
                f"status {ex.status}",
                *(f"{n}: {v}" for n, v in self.response_headers),
                "",
                _cut(self.response_data.pretty(), len(ex.response_body)) or "(no body)",
            ]
        lines += ["", "--- reproduce ---", self.curl()]
        return "\n".join(lines)


def _reporting() -> bool:
    """Whether the run writes a report: an Allure listener takes attachments only with
    --alluredir. Without one, allure.attach drops them, so nothing is rendered or redacted for
    no one (a tenth of a serial run without a report went on evidence nobody kept)."""
    return bool(allure_commons.plugin_manager.hook.attach_data.get_hookimpls())


def _attach(body: str, name: str, kind: str) -> None:
    """Attach to the running Gherkin step. allure-pytest-bdd follows scenarios only: in a plain
    test (the harness's own tests) there is no step to attach to, and nothing is attached."""
    with contextlib.suppress(KeyError):  # allure_commons: no test case or step is running
        allure.attach(body, name=name, attachment_type=kind)


def attach_exchange(exchange: HttpExchange) -> None:
    if _reporting():
        _attach(exchange.render(), exchange.title, allure.attachment_type.TEXT)


def attach_rows(title: str, query: str, params: Any, rows: list[dict[str, Any]]) -> None:
    """What a checker read from the database: the query, its parameters and the rows."""
    if not _reporting():
        return
    shown_params, shown_rows = redact_data([_jsonable(params), _jsonable(rows)])
    body = {"query": " ".join(query.split()), "parameters": shown_params, "rows": shown_rows}
    _attach(
        pretty_json(body),
        f"Database: {title} ({len(rows)} rows)",
        allure.attachment_type.JSON,
    )


def attach_json(title: str, data: Any) -> None:
    if not _reporting():
        return
    _attach(
        pretty_json(redact_data(_jsonable(data))),
        title,
        allure.attachment_type.JSON,
    )


def attach_text(title: str, text: str) -> None:
    if not _reporting():
        return
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
