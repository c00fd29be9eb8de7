"""Runs the reference service inside the test process (uvicorn in a thread) on a free local port.

In-process is what lets `responses` stand in for the outside providers: the service's outbound
calls go through `requests` in this very process. This is the one file of the suite that imports
the service (to start it, and to list the defects it can switch on).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import threading
import time
from dataclasses import dataclass

import httpx

from support.target.config import HarnessError
from support.target.credentials import ProviderCredentials


@dataclass
class RunningService:
    base_url: str
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.stop_soon()
        self._thread.join(timeout=10)


TEST_PASSWORD_HASH_COST = 10
# Merchants' endpoints in scenarios live under this reserved name, which the suite's own
# deployment (and no other) accepts without resolving: they are faked in this process.
TEST_WEBHOOKS_DOMAIN = "webhooks.test"
TEST_SIGN_IN_FAILURES_PER_ADDRESS = 100_000
TEST_SIGN_UPS_PER_ADDRESS = 100_000  # every scenario signs up from 127.0.0.1, many at once


def service_defects() -> dict[str, str]:
    """Defect name -> one-line summary, as the reference service declares them."""
    from service.defects import CATALOGUE

    return {name: defect.summary for name, defect in CATALOGUE.items()}


def load_service_code() -> None:
    """Import the service's code (about a second: FastAPI, the models, the provider SDKs), so
    that a caller can do it while it waits for something else, such as the embedded servers."""
    import uvicorn  # noqa: F401

    import service.app  # noqa: F401


def start_service(
    *,
    database_url: str,
    redis_url: str,
    jwt_secret: str,
    defects: tuple[str, ...] = (),
    providers: ProviderCredentials | None = None,
    start_timeout: float = 30.0,
    expect_healthy: bool = True,
    **settings_changes: object,
) -> RunningService:
    """Start the service and wait until its health check answers (healthy, unless a deployment
    with a part out of reach is asked for: then any answer of the health check will do);
    `settings_changes` deploy it otherwise (another role, say)."""
    import uvicorn

    from service.app import create_app
    from service.core.settings import ConfigurationError, Settings

    try:
        settings = Settings(
            database_url=database_url,
            redis_url=redis_url,
            jwt_secret=jwt_secret,
            defects=defects,
            # The suite's own deployment hashes passwords cheaply: every scenario signs
            # merchants up and in. A real deployment keeps the service's default cost.
            password_hash_cost=TEST_PASSWORD_HASH_COST,
            **{
                # Scenarios run the webhook delivery worker and the abandonment job themselves,
                # with the "now" they choose and only for their own merchants; a schedule would
                # post and nudge behind their backs. (The operator token comes with the
                # credentials.)
                "webhook_worker_interval_seconds": 0,
                "webhooks_test_domain": TEST_WEBHOOKS_DOMAIN,
                "abandonment_schedule": False,
                "deployment": "test",
                # Every scenario signs in from 127.0.0.1, many at once: the per-address count
                # of failed sign-ins must never refuse one scenario for another's mistakes.
                "sign_in_failures_per_address": TEST_SIGN_IN_FAILURES_PER_ADDRESS,
                "sign_ups_per_address": TEST_SIGN_UPS_PER_ADDRESS,
                **(providers.as_settings() if providers else {}),
                **settings_changes,
            },
        )
        app = create_app(settings)
    except ConfigurationError as error:
        raise HarnessError(f"The reference service refused its settings: {error}") from error

    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = prompt_server_class()(config)
    startup_errors = _capture_startup_errors()
    deadline = time.monotonic() + start_timeout
    try:
        base_url, thread = serve_in_thread(server, listening_socket(), deadline)
    except HarnessError as error:
        reason = startup_errors.first() or str(error)
        raise HarnessError(f"The reference service did not start: {reason.rstrip('.')}.") from None
    finally:
        logging.getLogger("uvicorn.error").removeHandler(startup_errors)
    _await_health(base_url, deadline, expect_healthy)
    return RunningService(base_url, server, thread)


@functools.cache
def prompt_server_class() -> type:
    """uvicorn's Server, which can be told to stop without waiting for its next tick.

    uvicorn looks at `should_exit` once every tenth of a second (its main loop sleeps between
    ticks), so each stop waited for the rest of a tick: a tenth of a cold start, and paid again
    by every defect `make defects` switches on. This main loop is uvicorn's own (the same tick,
    the same `on_tick`), except that its sleep ends as soon as `stop_soon` is called."""
    import uvicorn

    class PromptServer(uvicorn.Server):
        _loop: asyncio.AbstractEventLoop | None = None
        _woken: asyncio.Event | None = None

        async def main_loop(self) -> None:
            self._woken = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            counter = 0
            should_exit = await self.on_tick(counter)
            while not should_exit:
                counter = (counter + 1) % 864000
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), 0.1)
                should_exit = await self.on_tick(counter)

        def stop_soon(self) -> None:
            self.should_exit = True
            loop, woken = self._loop, self._woken
            if loop is not None and woken is not None:
                with contextlib.suppress(RuntimeError):  # its loop has already ended
                    loop.call_soon_threadsafe(woken.set)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            """uvicorn's own shutdown, except that after asking its connections to close it
            waits until they have (at most the tenth of a second uvicorn always slept): each
            service's stop took 0.1 s, six of them at the end of a serial run, and one for
            each defect `make defects` switches on."""
            for server in self.servers:
                server.close()
            for sock in sockets or []:
                sock.close()
            for connection in list(self.server_state.connections):
                connection.shutdown()
            waited_enough = time.monotonic() + 0.1
            while self.server_state.connections and time.monotonic() < waited_enough:
                await asyncio.sleep(0.002)
            try:
                await asyncio.wait_for(
                    self._wait_tasks_to_complete(),
                    timeout=self.config.timeout_graceful_shutdown,
                )
            except TimeoutError:
                for task in self.server_state.tasks:
                    task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
            if not self.force_exit:
                await self.lifespan.shutdown()

    return PromptServer


def listening_socket() -> socket.socket:
    """A socket bound to a free local port, for uvicorn to accept the suite's requests on."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit TCP_NODELAY from the listening socket. uvicorn sets it on the
    # sockets it binds itself, but not on one handed to it; without it, Nagle's algorithm holds
    # the response's second small write until the client's delayed acknowledgement arrives, and
    # every request waits about 40 ms for nothing (tests/harness/test_inprocess_latency.py).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def serve_in_thread(server, sock: socket.socket, deadline: float) -> tuple[str, threading.Thread]:
    """Run a `uvicorn.Server` on `sock` in a daemon thread; its base URL once it has started."""
    thread = threading.Thread(
        target=_serve, args=(server, sock), name="reference-service", daemon=True
    )
    thread.start()
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise HarnessError("it did not report that it had started")
        time.sleep(0.02)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", thread


def _serve(server, sock: socket.socket) -> None:
    try:
        server.run(sockets=[sock])
    except SystemExit:  # uvicorn's way of saying the start failed; the reason is in its log
        sock.close()


def _await_health(base_url: str, deadline: float, expect_healthy: bool) -> None:
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{base_url}/health", timeout=3)
            if response.status_code == 200 or not expect_healthy:
                return
            last = f"health answered {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as error:
            last = str(error)
        time.sleep(0.1)
    raise HarnessError(f"The reference service started but never reported healthy ({last}).")


class _StartupErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message = str(record.exc_info[1]) or message
        self.messages.append(message)

    def first(self) -> str | None:
        useful = [m for m in self.messages if "Application startup failed" not in m]
        return (useful or self.messages or [None])[0]


def _capture_startup_errors() -> _StartupErrors:
    handler = _StartupErrors()
    logging.getLogger("uvicorn.error").addHandler(handler)
    return handler


# The service's modules log under this name (service.domain.payment_events, ...).
SERVICE_LOGGER = "service"


class ServiceLog(logging.Handler):
    """What the in-process service logs at WARNING and above while a scenario runs: it shares
    this process, so a handler on its logger sees every record, whichever thread wrote it."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def errors(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.ERROR]

    def __enter__(self) -> ServiceLog:
        logging.getLogger(SERVICE_LOGGER).addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger(SERVICE_LOGGER).removeHandler(self)
