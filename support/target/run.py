"""The run's shared decisions (target, seed, token secret) and the per-process live target."""

from __future__ import annotations

import atexit
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from support.report.redaction import SECRETS
from support.target.config import HarnessError, Mode, TargetSettings
from support.target.credentials import ProviderCredentials
from support.target.embedded import EmbeddedServers, start_embedded
from support.target.inprocess import RunningService, start_service
from support.target.outages import DatabaseRelay, redis_out_of_reach


@dataclass(frozen=True)
class RunState:
    """Decided once by the controlling process and handed to every xdist worker."""

    settings: TargetSettings
    jwt_secret: str | None  # the token signing secret, when the suite knows it
    seed: int
    defects: tuple[str, ...]
    secrets_dir: str  # where each process leaves the secrets it saw, for the report audit

    def to_json(self) -> str:
        data = asdict(self)
        data["settings"] = self.settings.to_dict()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> RunState:
        data = json.loads(text)
        data["settings"] = TargetSettings.from_dict(data["settings"])
        data["defects"] = tuple(data["defects"])
        return cls(**data)

    @property
    def runs_service_in_process(self) -> bool:
        return self.settings.mode is not Mode.REMOTE


def new_jwt_secret(settings: TargetSettings) -> str | None:
    if settings.mode is Mode.REMOTE:
        return settings.jwt_secret
    return secrets.token_urlsafe(48)


class Deployment(StrEnum):
    """Second deployments of the platform a scenario can ask for, each on the run's own data."""

    WITHOUT_TELEPHONY = "without the telephony provider's credentials"
    REDIS_OUT_OF_REACH = "with its Redis out of reach"
    DATABASE_OUT_OF_REACH = "with its database cut off once it has started"


@dataclass
class LiveTarget:
    """What this process talks to: the service's URL, its database and its Redis."""

    base_url: str
    database_url: str
    redis_url: str
    in_process: bool
    providers: ProviderCredentials | None = None  # what the in-process service was given
    _stops: list = field(default_factory=list)
    _start_variant: Callable[[Deployment], RunningService] | None = None
    _deployments: dict[Deployment, str] = field(default_factory=dict)

    def stop(self) -> None:
        while self._stops:
            self._stops.pop()()

    def second_deployment(self, deployment: Deployment) -> str:
        """The URL of a second in-process service deployed this way (started once, on first
        use, and stopped with the target)."""
        if self._start_variant is None:
            raise HarnessError(f"Only an in-process service can be deployed {deployment}.")
        if deployment not in self._deployments:
            self._deployments[deployment] = self._start_variant(deployment).base_url
        return self._deployments[deployment]


def open_target(state: RunState) -> LiveTarget:
    """Start whatever this process needs (embedded servers, the in-process service) and return
    where everything is. Called once per test process, on the first scenario that needs it."""
    settings = state.settings
    stops: list = []
    if settings.mode is Mode.REMOTE:
        return LiveTarget(
            settings.base_url, settings.database_url, settings.redis_url, in_process=False
        )
    if settings.mode is Mode.EMBEDDED:
        servers: EmbeddedServers = start_embedded()
        stops.append(servers.stop)
        database_url, redis_url = servers.database_url, servers.redis_url
    else:
        database_url, redis_url = settings.database_url, settings.redis_url
    providers = ProviderCredentials.new()

    def start(
        credentials: ProviderCredentials = providers,
        database: str = database_url,
        cache: str = redis_url,
        healthy: bool = True,
    ) -> RunningService:
        return start_service(
            database_url=database,
            redis_url=cache,
            jwt_secret=state.jwt_secret,
            defects=state.defects,
            providers=credentials,
            expect_healthy=healthy,
        )

    def start_variant(deployment: Deployment) -> RunningService:
        if deployment is Deployment.WITHOUT_TELEPHONY:
            running = start(providers.without_telephony())
        elif deployment is Deployment.REDIS_OUT_OF_REACH:
            running = start(cache=redis_out_of_reach(), healthy=False)
        else:
            relay = DatabaseRelay(database_url)
            stops.append(relay.cut)
            running = start(database=relay.database_url)
            relay.cut()
        stops.append(running.stop)
        return running

    try:
        service = start()
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
        _stops=stops,
        _start_variant=start_variant,
    )
    atexit.register(target.stop)
    return target


def leave_secrets(state: RunState, worker: str) -> None:
    """Write this process's secrets where the controlling process audits the report for them."""
    Path(state.secrets_dir, f"{worker}.json").write_text(json.dumps(SECRETS.values()))
