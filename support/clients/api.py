"""The suite's HTTP client: real requests to the target, each one attached to the current step."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from support.report.evidence import HttpExchange, attach_exchange
from support.report.redaction import SECRETS
from support.report.shown import ShownAs


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

    def request_together(
        self,
        method: str,
        path: str,
        count: int,
        *,
        token: str | None = None,
        bodies=None,
        tokens: list[str] | None = None,
    ) -> list[httpx.Response]:
        """`count` identical requests (or one per body, or one per token: several callers)
        released at the same instant from separate threads; each exchange is attached
        afterwards, in the order they were sent."""
        senders = list(tokens) if tokens is not None else [token] * count
        payloads = list(bodies) if bodies is not None else [None] * len(senders)
        for each in senders:
            if each is not None:
                SECRETS.add(each)
        requests = [
            self._http.build_request(
                method,
                path,
                json=body,
                headers={"Authorization": f"Bearer {sender}"} if sender is not None else {},
            )
            for body, sender in zip(payloads, senders, strict=True)
        ]
        gate = threading.Barrier(len(requests))
        outcomes: list[tuple[httpx.Response | None, float, str | None]] = [(None, 0.0, None)] * len(
            requests
        )

        def send(index: int) -> None:
            gate.wait()
            started = time.perf_counter()
            try:
                response = self._http.send(requests[index])
                outcomes[index] = (response, time.perf_counter() - started, None)
            except httpx.HTTPError as error:
                failure = f"{type(error).__name__}: {error}"
                outcomes[index] = (None, time.perf_counter() - started, failure)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for request, (response, took, error) in zip(requests, outcomes, strict=True):
            self._record(request, response, time.perf_counter() - took, error=error)
        failed = [error for response, _, error in outcomes if response is None]
        if failed:
            raise AssertionError(
                f"{len(failed)} of the requests sent at once got no answer: {failed[0]}"
            )
        return [response for response, _, _ in outcomes]

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
