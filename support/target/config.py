"""Which target the suite runs against, read from pytest options and environment variables."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from enum import StrEnum
from urllib.parse import urlparse


class HarnessError(Exception):
    """A problem with the suite's configuration or target, said in one sentence."""


class Mode(StrEnum):
    EMBEDDED = "embedded"  # the suite starts PostgreSQL, Redis and the service itself
    EXTERNAL = "external"  # running PostgreSQL and Redis; the service still starts in-process
    REMOTE = "remote"  # a deployed service at BASE_URL, with its database and Redis


TRUTHY = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TargetSettings:
    mode: Mode
    base_url: str | None
    database_url: str | None
    redis_url: str | None
    jwt_secret: str | None
    safe_for_tests: bool

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TargetSettings:
        return cls(**{**data, "mode": Mode(data["mode"])})


def _pick(option: str | None, variable: str) -> str | None:
    value = option if option else os.environ.get(variable)
    return value.strip() if value and value.strip() else None


def resolve(
    *,
    base_url: str | None = None,
    database_url: str | None = None,
    redis_url: str | None = None,
    safe_for_tests: bool = False,
) -> TargetSettings:
    """Decide the mode from what is given; options win over environment variables."""
    base_url = _pick(base_url, "BASE_URL")
    database_url = _pick(database_url, "DATABASE_URL")
    redis_url = _pick(redis_url, "REDIS_URL")
    safe = safe_for_tests or os.environ.get("TARGET_SAFE_FOR_TESTS", "").lower() in TRUTHY

    if base_url:
        _check_url(base_url, "BASE_URL", ("http", "https"))
        if not database_url or not redis_url:
            missing = " and ".join(
                name
                for name, value in (("DATABASE_URL", database_url), ("REDIS_URL", redis_url))
                if not value
            )
            raise HarnessError(
                f"BASE_URL is set but {missing} is not: a remote target needs the URLs of its "
                "database and Redis too, so that the suite can check what the service stored."
            )
        mode = Mode.REMOTE
        jwt_secret = _pick(None, "JWT_SECRET")
    elif database_url or redis_url:
        if not (database_url and redis_url):
            given, missing = (
                ("DATABASE_URL", "REDIS_URL") if database_url else ("REDIS_URL", "DATABASE_URL")
            )
            raise HarnessError(
                f"{given} is set but {missing} is not: set both to use running servers, "
                "or neither to let the suite start its own."
            )
        mode = Mode.EXTERNAL
        jwt_secret = None  # the suite starts the service, so it chooses the secret
        safe = True  # the suite owns this service; its data lives in tenants it cleans up
    else:
        mode, jwt_secret, safe = Mode.EMBEDDED, None, True

    if database_url:
        _check_url(database_url, "DATABASE_URL", ("postgres", "postgresql"))
    if redis_url:
        _check_url(redis_url, "REDIS_URL", ("redis", "rediss", "unix"))
    return TargetSettings(mode, base_url, database_url, redis_url, jwt_secret, safe)


def _check_url(url: str, name: str, schemes: tuple[str, ...]) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in schemes:
        raise HarnessError(
            f"{name} must start with {' or '.join(s + '://' for s in schemes)}, but it is {url!r}."
        )
    if parsed.scheme in ("http", "https") and not parsed.hostname:
        raise HarnessError(f"{name} has no host name: {url!r}.")
