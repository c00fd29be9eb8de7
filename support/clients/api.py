"""The suite's HTTP client: real requests to the target, each one attached to the current step."""

from __future__ import annotations

import functools
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from support.report.evidence import HttpExchange, attach_exchange
from support.report.redaction import SECRETS
from support.report.shown import ShownAs


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process. httpx builds a new one for every client unless it
    is given one, and loading the trusted certificates took about a fifth of the suite's CPU."""
    return httpx.create_ssl_context()


class ApiClient(ShownAs):
    """Talks to the target over HTTP; drivers build on it, steps never call it directly."""

    shown_as = "HTTP client"

    def __init__(
        self, base_url: str, timeout: float = 15.0, local_address: str | None = None
    ) -> None:
        """`local_address` sends from another address of this machine (another client)."""
        transport = (
            httpx.HTTPTransport(local_address=local_address, verify=_tls())
            if local_address
            else None
        )
        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, transport=transport, verify=_tls()
        )

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
        headers: dict[str, str] | None = None,
        headers_each: list[dict[str, str]] | None = None,
    ) -> list[httpx.Response]:
        """`count` identical requests (or one per body, or one per token: several callers),
        with the same headers and each its own extra ones, released at the same instant from
        separate threads; each exchange is attached afterwards, in the order they were sent."""
        senders = list(tokens) if tokens is not None else [token] * count
        payloads = list(bodies) if bodies is not None else [None] * len(senders)
        extra = list(headers_each) if headers_each is not None else [{}] * len(payloads)
        for each in senders:
            if each is not None:
                SECRETS.add(each)
        requests = [
            self._http.build_request(
                method,
                path,
                json=body,
                headers={
                    **(headers or {}),
                    **({"Authorization": f"Bearer {sender}"} if sender is not None else {}),
                    **more,
                },
            )
            for body, sender, more in zip(payloads, senders, extra, strict=True)
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

    def request_later(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Callable[[float], httpx.Response]:
        """Sends the request now from another thread, for a scenario that looks at the target
        while the request is under way. The returned function waits (at most the given seconds)
        for the answer and attaches the exchange in the caller's thread, where the report's
        current step is."""
        all_headers = dict(headers or {})
        if token is not None:
            SECRETS.add(token)
            all_headers["Authorization"] = f"Bearer {token}"
        request = self._http.build_request(method, path, json=json, headers=all_headers)
        started = time.perf_counter()
        outcome: list[httpx.Response | str] = []

        def send() -> None:
            try:
                outcome.append(self._http.send(request))
            except httpx.HTTPError as error:
                outcome.append(f"{type(error).__name__}: {error}")

        thread = threading.Thread(target=send, daemon=True)
        thread.start()

        def answer(within: float) -> httpx.Response:
            thread.join(within)
            if not outcome:
                raise AssertionError(f"The platform did not answer within {within:g} seconds.")
            found = outcome[0]
            if isinstance(found, str):
                self._record(request, None, started, error=found)
                raise AssertionError(f"The request got no answer: {found}")
            self._record(request, found, started)
            return found

        return answer

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
