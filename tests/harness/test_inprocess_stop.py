"""The in-process service stops in milliseconds, and still answers the request it is serving.

uvicorn sleeps a tenth of a second whenever it shuts down, and its main loop looks for the
stop once a tenth of a second; the suite's server (support/target/inprocess.py) does neither.
"""

from __future__ import annotations

import threading
import time

import httpx

from support.target.inprocess import listening_socket, prompt_server_class, serve_in_thread

# uvicorn's own stop takes 0.1 to 0.2 s; the suite's about 2 ms. Generous for a busy machine.
PROMPT_S = 0.06


def _server(app) -> tuple[object, threading.Thread, str]:
    import uvicorn

    server = prompt_server_class()(uvicorn.Config(app, log_level="warning", lifespan="off"))
    base_url, thread = serve_in_thread(server, listening_socket(), time.monotonic() + 10)
    return server, thread, base_url


def _app(answer_after: float):
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/answer")
    def answer() -> dict[str, str]:
        time.sleep(answer_after)
        return {"answer": "42"}

    return app


def _stop(server, thread: threading.Thread) -> float:
    started = time.perf_counter()
    server.stop_soon()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return time.perf_counter() - started


def test_a_service_with_an_open_connection_stops_in_milliseconds() -> None:
    took = []
    for _ in range(3):
        server, thread, base_url = _server(_app(answer_after=0))
        with httpx.Client(base_url=base_url) as client:  # kept alive, as the suite's client
            assert client.get("/answer").status_code == 200
            took.append(_stop(server, thread))
    assert min(took) < PROMPT_S, f"stops took {[round(t, 3) for t in took]} s"


def test_a_request_under_way_when_the_service_stops_is_answered() -> None:
    server, thread, base_url = _server(_app(answer_after=0.3))
    answers: list[int] = []
    asking = threading.Thread(
        target=lambda: answers.append(httpx.get(f"{base_url}/answer", timeout=10).status_code)
    )
    asking.start()
    time.sleep(0.1)  # the request is being served
    _stop(server, thread)
    asking.join(timeout=10)
    assert answers == [200]
