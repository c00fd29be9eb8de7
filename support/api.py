"""The suite's HTTP client: real requests to the target, each one attached to the current step."""

from __future__ import annotations

import time
from typing import Any

import httpx

from support.evidence import HttpExchange, attach_exchange
from support.redaction import SECRETS
from support.shown import ShownAs


class ApiClient(ShownAs):
    shown_as = "HTTP client"

    """Talks to the target over HTTP; drivers build on it, steps never call it directly."""

    def __init__(self, base_url: str, timeout: float = 15.0) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if token is not None:
            SECRETS.add(token)
            all_headers["Authorization"] = f"Bearer {token}"
        request = self._http.build_request(
            method, path, json=json, content=content, headers=all_headers, params=params
        )
        started = time.perf_counter()
        try:
            response = self._http.send(request)
        except httpx.HTTPError as error:
            self._record(request, None, started, error=f"{type(error).__name__}: {error}")
            raise
        self._record(request, response, started)
        return response

    def _record(
        self,
        request: httpx.Request,
        response: httpx.Response | None,
        started: float,
        error: str | None = None,
    ) -> None:
        exchange = HttpExchange(
            method=request.method,
            url=str(request.url),
            request_headers=list(request.headers.items()),
            request_body=request.content,
            status=response.status_code if response is not None else None,
            response_headers=list(response.headers.items()) if response is not None else [],
            response_body=response.content if response is not None else b"",
            duration_ms=(time.perf_counter() - started) * 1000,
            error=error,
        )
        attach_exchange(exchange)
