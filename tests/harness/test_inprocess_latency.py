"""A request to the in-process service takes milliseconds, not the 40 ms Nagle stall.

The stall (Nagle's algorithm holding the response's second small write until the client's
delayed acknowledgement) once cost every request about 40 ms and the suite half its speed. The
first test measures the real in-process service; the second proves the measurement would catch
the stall, by serving a tiny app from a listening socket without TCP_NODELAY.
"""

from __future__ import annotations

import socket
import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from support.target.inprocess import listening_socket, serve_in_thread

REQUESTS = 15
# Generous for a busy 2-core machine (a request takes 1-3 ms here), and well under the 40 ms of
# the stall it guards against.
FAST_MS = 25.0
STALL_MS = 30.0
# The cheapest answer the service gives (no database, no Redis): the stall does not depend on
# what is answered, and a cheap answer keeps the measure about the connection.
NOT_A_PAGE = "/no-such-page"


def typical_ms(base_url: str, path: str, status: int = 200) -> float:
    """The first quartile of the times of several requests over one kept-alive connection, as
    the suite sends them. The stall delays every request by 40 ms, so the faster quarter shows
    it as surely as the median; a busy machine delays some requests, and the quartile is far
    less swayed by them (the median of 15 reached 16 ms with the load average at 20)."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        assert client.get(path).status_code == status  # opens the connection: not counted
        took = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            assert client.get(path).status_code == status
            took.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(took, n=4)[0]


def test_a_request_to_the_in_process_service_takes_milliseconds(target):
    if not target.in_process:
        pytest.skip("measures the service the suite starts in-process")
    took = typical_ms(target.base_url, NOT_A_PAGE, status=404)
    assert took < FAST_MS, (
        f"A request to the in-process service took {took:.1f} ms (first quartile of "
        f"{REQUESTS}); "
        f"expected under {FAST_MS:.0f} ms. Is TCP_NODELAY still set on its listening socket?"
    )


def _tiny_app() -> object:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/answer")
    def answer() -> dict[str, str]:
        return {"answer": "x" * 200}

    return app


@pytest.fixture
def serve() -> Iterator:
    import uvicorn

    servers = []

    def start(sock: socket.socket) -> str:
        server = uvicorn.Server(uvicorn.Config(_tiny_app(), log_level="warning", lifespan="off"))
        base_url, thread = serve_in_thread(server, sock, time.monotonic() + 10)
        servers.append((server, thread))
        return base_url

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=5)


def test_the_latency_check_would_catch_the_stall_without_tcp_nodelay(serve):
    bare = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    bare.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    bare.bind(("127.0.0.1", 0))
    stalled = typical_ms(serve(bare), "/answer")
    fast = typical_ms(serve(listening_socket()), "/answer")
    assert stalled > STALL_MS, f"without TCP_NODELAY a request took only {stalled:.1f} ms"
    assert fast < FAST_MS, f"with TCP_NODELAY a request took {fast:.1f} ms"
