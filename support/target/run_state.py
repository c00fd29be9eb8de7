"""The run's shared decisions (target, seed, token secret), made once and handed to each worker.

Kept apart from support/target/run.py, which starts the target: xdist's controlling process
decides the run but never opens a target, and importing what starts one (the database and
Redis clients, the embedded servers) cost it about half a second before it could start its
workers (support/plugin/session.py).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from support.report.redaction import SECRETS
from support.target.config import Mode, TargetSettings


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


def leave_secrets(state: RunState, worker: str) -> None:
    """Write this process's secrets where the controlling process audits the report for them."""
    Path(state.secrets_dir, f"{worker}.json").write_text(json.dumps(SECRETS.values()))
