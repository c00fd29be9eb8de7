"""The per-process live target: what a test process starts (or reaches) and talks to."""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum

from support.report.redaction import SECRETS
from support.target.config import HarnessError, Mode
from support.target.credentials import ProviderCredentials
from support.target.embedded import EmbeddedServers, start_embedded
from support.target.inprocess import RunningService, load_service_code, start_service
from support.target.outages import DatabaseRelay, redis_out_of_reach
from support.target.run_state import RunState

# Starts an in-process service with these provider credentials and defects switched on; keyword
# arguments deploy it otherwise: `start_service`'s own (another database_url or redis_url,
# expect_healthy) or the service's settings.
StartService = Callable[..., RunningService]  # (credentials, defects, **changes)


class Deployment(StrEnum):
    """Second deployments of the platform a scenario can ask for, each on the run's own data."""

    WITHOUT_TELEPHONY = "without the telephony provider's credentials"
    WITHOUT_PAYMENTS = "without the payment provider's credentials"
    REDIS_OUT_OF_REACH = "with its Redis out of reach"
    DATABASE_OUT_OF_REACH = "with its database cut off once it has started"
    FEW_SIGN_UPS = "allowing 3 sign-ups an hour from one address"


@dataclass
class LiveTarget:
    """What this process talks to: the service's URL, its database and its Redis."""

    def __repr__(self) -> str:
        # Step arguments reach the report by their repr: never the credentials or the token.
        return f"<the target at {self.base_url}>"

    base_url: str
    database_url: str
    redis_url: str
    in_process: bool
    providers: ProviderCredentials | None = None  # what the in-process service was given
    defects: tuple[str, ...] = ()  # switched on in this target's in-process service
    operator_token: str | None = None  # for operator-only calls (the webhook worker's run)
    _stops: list = field(default_factory=list)
    _start: StartService | None = None
    _variant: LiveTarget | None = None
    _deployments: dict[Deployment, str] = field(default_factory=dict)

    def stop(self) -> None:
        if self._variant is not None:
            self._variant.stop()
            self._variant = None
        while self._stops:
            self._stops.pop()()

    def with_defects(self, defects: tuple[str, ...]) -> LiveTarget:
        """This target, or one on the same database and Redis whose in-process service has
        these defects switched on instead (`make defects` runs many defects in one process).
        One such service at a time: asking for other defects stops the previous one."""
        if defects == self.defects:
            return self
        if self._variant is not None and self._variant.defects == defects:
            return self._variant
        if self._start is None or self.providers is None:
            raise HarnessError("Defects can be switched on only in an in-process service.")
        if self._variant is not None:
            self._variant.stop()
        service = self._start(self.providers, defects)
        self._variant = LiveTarget(
            service.base_url,
            self.database_url,
            self.redis_url,
            in_process=True,
            providers=self.providers,
            defects=defects,
            operator_token=self.operator_token,
            _stops=[service.stop],
            _start=self._start,
        )
        return self._variant

    def second_deployment(self, deployment: Deployment) -> str:
        """The URL of a second in-process service on this target's data and with its defects,
        deployed this way (started once, on first use, and stopped with the target)."""
        if self._start is None or self.providers is None:
            raise HarnessError(f"Only an in-process service can be deployed {deployment}.")
        if deployment not in self._deployments:
            self._deployments[deployment] = self._deploy(deployment).base_url
        return self._deployments[deployment]

    def _deploy(self, deployment: Deployment) -> RunningService:
        start, providers, defects = self._start, self.providers, self.defects
        if deployment is Deployment.WITHOUT_TELEPHONY:
            running = start(providers.without_telephony(), defects)
        elif deployment is Deployment.FEW_SIGN_UPS:
            running = start(providers, defects, sign_ups_per_address=3)
        elif deployment is Deployment.WITHOUT_PAYMENTS:
            running = start(providers.without_payments(), defects)
        elif deployment is Deployment.REDIS_OUT_OF_REACH:
            running = start(
                providers, defects, redis_url=redis_out_of_reach(), expect_healthy=False
            )
        else:
            relay = DatabaseRelay(self.database_url)
            self._stops.append(relay.cut)
            running = start(providers, defects, database_url=relay.database_url)
            relay.cut()
        self._stops.append(running.stop)
        return running

    def refusal_to_start(self, **settings_changes: object) -> str | None:
        """Why another in-process deployment, on the same database and Redis but deployed with
        these settings, refuses to start; None when it starts (it is stopped again at once)."""
        if self._start is None or self.providers is None:
            raise HarnessError("Only an in-process service can be deployed another way.")
        try:
            defects = settings_changes.pop("defects", self.defects)
            variant = self._start(self.providers, defects, **settings_changes)
        except HarnessError as refused:
            return str(refused)
        variant.stop()
        return None


def open_target(state: RunState) -> LiveTarget:
    """Start whatever this process needs (embedded servers, the in-process service) and return
    where everything is. Called once per test process, on the first scenario that needs it."""
    settings = state.settings
    stops: list = []
    if settings.mode is Mode.REMOTE:
        return LiveTarget(
            settings.base_url,
            settings.database_url,
            settings.redis_url,
            in_process=False,
            operator_token=_known_secret(os.environ.get("OPERATOR_TOKEN")),
        )
    if settings.mode is Mode.EMBEDDED:
        servers: EmbeddedServers = _start_embedded_loading_service()
        stops.append(servers.stop)
        database_url, redis_url = servers.database_url, servers.redis_url
    else:
        database_url, redis_url = settings.database_url, settings.redis_url
    providers = ProviderCredentials.new()
    operator_token = providers.operator_token  # made up with the credentials, one per process

    def start(
        credentials: ProviderCredentials, defects: tuple[str, ...], **settings_changes: object
    ) -> RunningService:
        return start_service(
            jwt_secret=state.jwt_secret,
            defects=defects,
            providers=credentials,
            **{"database_url": database_url, "redis_url": redis_url, **settings_changes},
        )

    try:
        service = start(providers, state.defects)
    except Exception:
        for stop in reversed(stops):
            stop()
        raise
    stops.append(service.stop)
    target = LiveTarget(
        service.base_url,
        database_url,
        redis_url,
        in_process=True,
        providers=providers,
        defects=state.defects,
        operator_token=operator_token,
        _stops=stops,
        _start=start,
    )
    atexit.register(target.stop)
    return target


def _start_embedded_loading_service() -> EmbeddedServers:
    """The embedded servers, started while this thread imports the service's code: starting
    them is mostly waiting (a cluster copied, two processes started), importing is mostly
    computing, and a cold start paid for both one after the other (about 0.5 s and 1.3 s)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-servers") as pool:
        starting = pool.submit(start_embedded)
        try:
            load_service_code()
        except BaseException:
            with contextlib.suppress(Exception):
                starting.result().stop()
            raise
        return starting.result()


def _known_secret(value: str | None) -> str | None:
    SECRETS.add(value)
    return value or None
