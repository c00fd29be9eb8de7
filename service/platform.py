"""The component container: every part of the service, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from service.access import AccessPolicy
from service.accounts import Accounts
from service.db import Database
from service.errors import ErrorRenderer
from service.health import HealthProbe
from service.onboarding import Onboarding
from service.security import PasswordHasher, TokenService
from service.settings import Settings
from service.stores.accounts import AccountStore
from service.stores.onboarding import OnboardingStore
from service.team import Team


@dataclass
class Platform:
    settings: Settings
    db: Database
    cache: redis.Redis
    passwords: PasswordHasher
    tokens: TokenService
    access: AccessPolicy
    accounts: Accounts
    team: Team
    onboarding: Onboarding
    health: HealthProbe
    errors: ErrorRenderer

    def close(self) -> None:
        self.health.close()
        self.cache.close()
        self.db.close()


def build_platform(settings: Settings) -> Platform:
    """Wire the components (pools are not opened here: see `Database.open`)."""
    db = Database(settings)
    cache = redis.Redis.from_url(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
    )
    passwords = PasswordHasher()
    tokens = TokenService(settings.jwt_secret, settings.token_ttl_seconds)
    account_store = AccountStore(db)
    return Platform(
        settings=settings,
        db=db,
        cache=cache,
        passwords=passwords,
        tokens=tokens,
        access=AccessPolicy(),
        accounts=Accounts(account_store, passwords, tokens),
        team=Team(account_store, passwords),
        onboarding=Onboarding(OnboardingStore(db)),
        health=HealthProbe(db, cache),
        errors=ErrorRenderer(),
    )
