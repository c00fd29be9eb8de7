"""The component container: every part of the service, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from service.core.db import Database
from service.core.deployment import DeploymentPolicy
from service.core.errors import ErrorRenderer
from service.core.limits import RequestLimits
from service.core.security import PasswordHasher, TokenService
from service.core.settings import Settings
from service.domain.access import AccessPolicy
from service.domain.accounts import Accounts
from service.domain.health import HealthProbe
from service.domain.idempotency import KEEP_SECONDS, IdempotentRequests
from service.domain.onboarding import Onboarding
from service.domain.payment_events import PaymentEvents
from service.domain.phone_numbers import PhoneNumbers
from service.domain.rules import RULES, InputRules
from service.domain.sign_in_limits import SignInLimits
from service.domain.team import Team
from service.domain.wallet import Wallet
from service.providers.payments import PaymentProvider
from service.providers.telephony import TelephonyProvider
from service.stores.accounts import AccountStore
from service.stores.idempotency import IdempotencyStore
from service.stores.onboarding import OnboardingStore
from service.stores.wallet import WalletStore


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
    payments: PaymentProvider
    telephony: TelephonyProvider
    wallet: Wallet
    payment_events: PaymentEvents
    phone_numbers: PhoneNumbers
    health: HealthProbe
    errors: ErrorRenderer
    idempotency: IdempotentRequests
    deployment: DeploymentPolicy
    limits: RequestLimits
    rules: InputRules
    sign_in_limits: SignInLimits

    def close(self) -> None:
        self.health.close()
        self.telephony.close()
        self.cache.close()
        self.db.close()


def build_platform(settings: Settings) -> Platform:
    """Wire the components (pools are not opened here: see `Database.open`)."""
    db = Database(settings)
    cache = redis.Redis.from_url(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30
    )
    passwords = PasswordHasher(n=2**settings.password_hash_cost)
    tokens = TokenService(settings.jwt_secret, settings.token_ttl_seconds)
    account_store = AccountStore(db)
    wallet_store = WalletStore(db)
    payments = PaymentProvider(settings.payments_api_key, settings.payments_webhook_secret)
    telephony = TelephonyProvider(
        settings.telephony_api_url, settings.telephony_account_sid, settings.telephony_auth_token
    )
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
        payments=payments,
        telephony=telephony,
        wallet=Wallet(wallet_store, payments),
        payment_events=PaymentEvents(wallet_store, payments, cache),
        phone_numbers=PhoneNumbers(wallet_store, telephony, db),
        health=HealthProbe(db, cache),
        errors=ErrorRenderer(),
        idempotency=IdempotentRequests(IdempotencyStore(db, KEEP_SECONDS)),
        deployment=DeploymentPolicy(settings),
        limits=RequestLimits(),
        rules=RULES,
        sign_in_limits=SignInLimits(cache, settings.sign_in_failures_per_address),
    )
