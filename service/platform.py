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
from service.domain.abandonment import Abandonment, AbandonmentSchedule
from service.domain.access import AccessPolicy
from service.domain.accounts import Accounts
from service.domain.health import HealthProbe
from service.domain.idempotency import KEEP_SECONDS, IdempotentRequests
from service.domain.onboarding import Onboarding
from service.domain.operators import Operators
from service.domain.orders import Orders
from service.domain.payment_events import PaymentEvents
from service.domain.phone_numbers import PhoneNumbers
from service.domain.refunds import Refunds
from service.domain.rules import RULES, InputRules
from service.domain.sign_in_limits import SignInLimits, SignUpLimits
from service.domain.team import Team
from service.domain.wallet import Wallet
from service.domain.webhooks import DeliverySchedule, Webhooks
from service.providers.email import EmailProvider
from service.providers.merchant_endpoints import MerchantEndpoints
from service.providers.payments import PaymentProvider
from service.providers.telephony import TelephonyProvider
from service.stores.abandonment import AbandonmentStore
from service.stores.accounts import AccountStore
from service.stores.idempotency import IdempotencyStore
from service.stores.onboarding import OnboardingStore
from service.stores.order_keys import OrderKeys
from service.stores.orders import OrderStore
from service.stores.refunds import RefundStore
from service.stores.reservations import ReservationStore
from service.stores.wallet import WalletStore
from service.stores.webhooks import WebhookStore


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
    orders: Orders
    refunds: Refunds
    health: HealthProbe
    errors: ErrorRenderer
    webhooks: Webhooks
    delivery_schedule: DeliverySchedule
    email: EmailProvider
    operators: Operators
    abandonment: Abandonment
    abandonment_schedule: AbandonmentSchedule
    idempotency: IdempotentRequests
    deployment: DeploymentPolicy
    limits: RequestLimits
    rules: InputRules
    sign_in_limits: SignInLimits
    sign_up_limits: SignUpLimits

    def close(self) -> None:
        self.delivery_schedule.stop()
        self.abandonment_schedule.stop()
        self.email.close()
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
    webhook_store = WebhookStore(db)
    wallet_store = WalletStore(db, webhook_store)
    webhooks = Webhooks(webhook_store, MerchantEndpoints(), settings.webhooks_test_domain)
    payments = PaymentProvider(settings.payments_api_key, settings.payments_webhook_secret)
    telephony = TelephonyProvider(
        settings.telephony_api_url, settings.telephony_account_sid, settings.telephony_auth_token
    )
    email = EmailProvider(
        settings.email_api_url, settings.email_server_token, settings.email_sender
    )
    abandonment = Abandonment(AbandonmentStore(db), email, settings.abandonment_batch_size)
    sign_in_limits = SignInLimits(cache, settings.sign_in_failures_per_address)
    orders = Orders(
        OrderStore(db, webhook_store), ReservationStore(cache), OrderKeys(cache), payments
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
        onboarding=Onboarding(OnboardingStore(db, webhook_store)),
        payments=payments,
        telephony=telephony,
        wallet=Wallet(wallet_store, payments),
        payment_events=PaymentEvents(wallet_store, payments, cache, orders),
        phone_numbers=PhoneNumbers(wallet_store, telephony, db),
        orders=orders,
        refunds=Refunds(RefundStore(db, webhook_store), payments),
        health=HealthProbe(db, cache),
        errors=ErrorRenderer(),
        webhooks=webhooks,
        delivery_schedule=DeliverySchedule(webhooks, settings.webhook_worker_interval_seconds),
        email=email,
        operators=Operators(settings.operator_token),
        abandonment=abandonment,
        abandonment_schedule=AbandonmentSchedule(abandonment),
        idempotency=IdempotentRequests(IdempotencyStore(db, KEEP_SECONDS)),
        deployment=DeploymentPolicy(settings),
        limits=RequestLimits(),
        rules=RULES,
        sign_in_limits=sign_in_limits,
        sign_up_limits=SignUpLimits(sign_in_limits, settings.sign_ups_per_address),
    )
