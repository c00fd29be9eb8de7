"""The request body limit: over-large bodies are refused before they are read, on every route."""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from types import SimpleNamespace
from typing import Any

import pytest

from service.app import create_app
from service.core.errors import ErrorRenderer
from service.core.limits import MAX_BODY_BYTES
from service.core.settings import Settings

CHUNK = 64 * 1024
HUGE = 300 * 1024 * 1024  # the size the security review sent
ROUTES = ["/api/webhooks/payments", "/api/auth/login", "/api/auth/signup", "/api/wallet/charges"]


def _call(path: str, total: int, declare_length: bool) -> tuple[int, dict[str, Any], int]:
    """Posts `total` bytes, made only as they are read; returns status, body and bytes read."""
    app = create_app(Settings("postgresql://owner@localhost/db", "redis://localhost", "s" * 32))
    # Stand-ins: the webhook route reads its body itself, after its components are found.
    events = SimpleNamespace(receive=lambda payload, signature: "ignored")
    app.state.platform = SimpleNamespace(errors=ErrorRenderer(), payment_events=events)
    headers = [(b"content-type", b"application/json")]
    if declare_length:
        headers.append((b"content-length", str(total).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "app": app,
    }
    sent = 0
    chunk = b" " * CHUNK

    async def receive() -> dict[str, Any]:
        nonlocal sent
        size = min(CHUNK, total - sent)
        sent += size
        return {"type": "http.request", "body": chunk[:size], "more_body": sent < total}

    answer: dict[str, Any] = {"body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return answer["status"], json.loads(answer["body"]), sent


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
def test_a_300_mb_body_is_refused_without_being_held(path: str, declare_length: bool) -> None:
    tracemalloc.start()
    try:
        status, body, read = _call(path, HUGE, declare_length)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert body["error"]["code"] == "request_too_large"
    assert read <= MAX_BODY_BYTES + CHUNK  # refused as soon as it passed the limit
    assert peak < 8 * 1024 * 1024, f"{peak / 1e6:.1f} MB held while refusing"


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
def test_one_byte_over_the_limit_is_refused(declare_length: bool) -> None:
    status, body, _ = _call("/api/auth/login", MAX_BODY_BYTES + 1, declare_length)
    assert (status, body["error"]["code"]) == (413, "request_too_large")


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
def test_a_body_at_the_limit_is_read(declare_length: bool) -> None:
    status, body, read = _call("/api/auth/login", MAX_BODY_BYTES, declare_length)
    assert read == MAX_BODY_BYTES
    assert (status, body["error"]["code"]) == (400, "invalid_request")  # blank, so not JSON
