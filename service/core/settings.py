"""The service's configuration, from keyword arguments or environment variables, validated."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

MIN_SECRET_LENGTH = 32
EMAIL_BATCH_MAX = 500  # Postmark's batch endpoint takes at most 500 messages per call
PASSWORD_HASH_COST_MIN, PASSWORD_HASH_COST_MAX = 10, 20
# OWASP's Password Storage Cheat Sheet: scrypt N=2^17, r=8, p=1 (128 MiB per hash; each sign-up
# and sign-in pays for it in time too, a few tenths of a second on an idle core).
PASSWORD_HASH_COST_DEFAULT = 17
TOKEN_TTL_MAX_SECONDS = 3600  # a stolen token is useful for an hour at most
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
DEPLOYMENTS = ("production", "test")
# The application role's password when a test deployment gives none (never in production).
TEST_APP_DB_PASSWORD = "merchant_app"


class ConfigurationError(Exception):
    """The configuration cannot work; the message is one sentence saying why."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    jwt_secret: str = field(repr=False)
    app_db_role: str = "merchant_app"
    # No default outside test deployments: see service/core/deployment.py.
    app_db_password: str = field(default="", repr=False)
    token_ttl_seconds: int = 900
    # scrypt's cost as a power of two (N = 2**cost). A deployment keeps the default; test
    # deployments may lower it (every sign-up and sign-in pays it), never below the floor.
    password_hash_cost: int = PASSWORD_HASH_COST_DEFAULT
    defects: tuple[str, ...] = ()
    # "test" declares a deployment made for testing: only there may deliberate defects be on.
    deployment: str = "production"
    db_connect_timeout: float = 10.0
    # Failed sign-ins one client address may make, over all accounts, in 15 minutes.
    sign_in_failures_per_address: int = 100
    sign_ups_per_address: int = 20  # in an hour, from one client address
    # Outside providers. Left empty, the features that need them answer "not available" (and
    # the service still starts): a deployment configures them through the environment.
    payments_api_key: str = field(default="", repr=False)
    payments_webhook_secret: str = field(default="", repr=False)
    telephony_api_url: str = "https://api.twilio.com/2010-04-01"
    telephony_account_sid: str = ""
    telephony_auth_token: str = field(default="", repr=False)
    # Operators run jobs on demand (the webhook delivery worker, the abandonment job) with this
    # bearer token; left empty, nobody is an operator and those calls are refused.
    operator_token: str = field(default="", repr=False)
    # Webhooks out. The worker also runs on its own every interval (0 switches the schedule
    # off). Hosts under the test domain (a `.test` name) are accepted as endpoints without
    # resolving them: only for a test deployment whose merchants' endpoints are faked in its
    # own process.
    webhook_worker_interval_seconds: float = 30.0
    webhooks_test_domain: str = ""
    # The email provider (Postmark's API shape); an empty token means emails cannot be sent.
    email_api_url: str = "https://api.postmarkapp.com"
    email_server_token: str = field(default="", repr=False)
    email_sender: str = "Merchant Platform <hello@merchant-platform.example>"
    # The checkout abandonment job runs every 15 minutes in a deployment; a test deployment
    # switches the schedule off and runs the job on demand with an explicit "now".
    abandonment_schedule: bool = True
    abandonment_batch_size: int = 500

    def __post_init__(self) -> None:
        object.__setattr__(self, "defects", tuple(self.defects))
        if self.deployment == "test" and not self.app_db_password:
            object.__setattr__(self, "app_db_password", TEST_APP_DB_PASSWORD)
        _validate(self)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def value(name: str) -> str:
            return env.get(name, "").strip()

        return cls(
            database_url=value("DATABASE_URL"),
            redis_url=value("REDIS_URL"),
            jwt_secret=env.get("JWT_SECRET", ""),
            app_db_role=value("APP_DATABASE_ROLE") or "merchant_app",
            app_db_password=env.get("APP_DATABASE_PASSWORD", ""),
            deployment=value("DEPLOYMENT") or "production",
            token_ttl_seconds=_number(
                value("TOKEN_TTL_SECONDS") or "900", "TOKEN_TTL_SECONDS", int
            ),
            password_hash_cost=_number(
                value("PASSWORD_HASH_COST") or str(PASSWORD_HASH_COST_DEFAULT),
                "PASSWORD_HASH_COST",
                int,
            ),
            defects=tuple(name.strip() for name in value("DEFECTS").split(",") if name.strip()),
            db_connect_timeout=_number(
                value("DATABASE_CONNECT_TIMEOUT") or "10", "DATABASE_CONNECT_TIMEOUT", float
            ),
            sign_in_failures_per_address=_number(
                value("SIGN_IN_FAILURES_PER_ADDRESS") or "100",
                "SIGN_IN_FAILURES_PER_ADDRESS",
                int,
                "a whole number",
            ),
            sign_ups_per_address=_number(
                value("SIGN_UPS_PER_ADDRESS") or "20",
                "SIGN_UPS_PER_ADDRESS",
                int,
                "a whole number",
            ),
            payments_api_key=value("PAYMENTS_API_KEY"),
            payments_webhook_secret=value("PAYMENTS_WEBHOOK_SECRET"),
            telephony_api_url=value("TELEPHONY_API_URL") or "https://api.twilio.com/2010-04-01",
            telephony_account_sid=value("TELEPHONY_ACCOUNT_SID"),
            telephony_auth_token=value("TELEPHONY_AUTH_TOKEN"),
            operator_token=value("OPERATOR_TOKEN"),
            webhook_worker_interval_seconds=_number(
                value("WEBHOOK_WORKER_INTERVAL_SECONDS") or "30",
                "WEBHOOK_WORKER_INTERVAL_SECONDS",
                float,
            ),
            webhooks_test_domain=value("WEBHOOKS_TEST_DOMAIN").lower(),
            email_api_url=value("EMAIL_API_URL") or "https://api.postmarkapp.com",
            email_server_token=value("EMAIL_SERVER_TOKEN"),
            email_sender=value("EMAIL_SENDER") or Settings.email_sender,
            abandonment_schedule=_switch(value("ABANDONMENT_SCHEDULE") or "on"),
            abandonment_batch_size=_number(
                value("ABANDONMENT_BATCH_SIZE") or "500", "ABANDONMENT_BATCH_SIZE", int
            ),
        )


def _number(
    text: str, name: str, kind: type[int] | type[float], unit: str | None = None
) -> int | float:
    try:
        return kind(text)
    except ValueError:
        unit = unit or ("a whole number of seconds" if kind is int else "a number of seconds")
        raise ConfigurationError(f"{name} must be {unit}, but it is {text!r}.") from None


def _switch(text: str) -> bool:
    words = {"on": True, "yes": True, "true": True, "1": True}
    words |= {"off": False, "no": False, "false": False, "0": False}
    if text.lower() not in words:
        raise ConfigurationError(f"ABANDONMENT_SCHEDULE must be on or off, but it is {text!r}.")
    return words[text.lower()]


def _validate(settings: Settings) -> None:
    if not settings.database_url:
        raise ConfigurationError(
            "DATABASE_URL is missing: give the PostgreSQL URL of the role that owns the schema."
        )
    if not settings.redis_url:
        raise ConfigurationError("REDIS_URL is missing: give the URL of the Redis server.")
    if not settings.redis_url.startswith(_REDIS_SCHEMES):
        raise ConfigurationError("REDIS_URL must start with redis://, rediss:// or unix://.")
    if len(settings.jwt_secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters long "
            f"(it has {len(settings.jwt_secret)})."
        )
    if not _ROLE_NAME.match(settings.app_db_role):
        raise ConfigurationError(
            "APP_DATABASE_ROLE must be a plain lower-case PostgreSQL role name "
            f"(letters, digits and underscores), but it is {settings.app_db_role!r}."
        )
    if settings.deployment not in DEPLOYMENTS:
        raise ConfigurationError(
            f"DEPLOYMENT must be one of {', '.join(DEPLOYMENTS)}, but it is "
            f"{settings.deployment!r}."
        )
    if isinstance(settings.token_ttl_seconds, bool) or not isinstance(
        settings.token_ttl_seconds, int
    ):
        raise ConfigurationError("TOKEN_TTL_SECONDS must be a whole number of seconds.")
    if not 0 < settings.token_ttl_seconds <= TOKEN_TTL_MAX_SECONDS:
        raise ConfigurationError(
            f"TOKEN_TTL_SECONDS must be more than zero and at most {TOKEN_TTL_MAX_SECONDS}."
        )
    if not PASSWORD_HASH_COST_MIN <= settings.password_hash_cost <= PASSWORD_HASH_COST_MAX:
        raise ConfigurationError(
            f"PASSWORD_HASH_COST must be from {PASSWORD_HASH_COST_MIN} to "
            f"{PASSWORD_HASH_COST_MAX} (scrypt's N as a power of two), but it is "
            f"{settings.password_hash_cost}."
        )
    if settings.sign_in_failures_per_address < 1:
        raise ConfigurationError("SIGN_IN_FAILURES_PER_ADDRESS must be at least 1.")
    if settings.sign_ups_per_address < 1:
        raise ConfigurationError("SIGN_UPS_PER_ADDRESS must be at least 1.")
    if settings.db_connect_timeout <= 0:
        raise ConfigurationError("DATABASE_CONNECT_TIMEOUT must be more than zero seconds.")
    if not settings.telephony_api_url.startswith("https://"):
        raise ConfigurationError("TELEPHONY_API_URL must start with https://.")
    if settings.operator_token and len(settings.operator_token) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"OPERATOR_TOKEN must be at least {MIN_SECRET_LENGTH} characters long "
            f"(it has {len(settings.operator_token)})."
        )
    if settings.webhook_worker_interval_seconds < 0:
        raise ConfigurationError("WEBHOOK_WORKER_INTERVAL_SECONDS must not be negative.")
    if not settings.email_api_url.startswith("https://"):
        raise ConfigurationError("EMAIL_API_URL must start with https://.")
    if not 1 <= settings.abandonment_batch_size <= EMAIL_BATCH_MAX:
        raise ConfigurationError(
            f"ABANDONMENT_BATCH_SIZE must be from 1 to {EMAIL_BATCH_MAX} (the email provider's "
            f"batch limit), but it is {settings.abandonment_batch_size}."
        )
    if settings.webhooks_test_domain and not settings.webhooks_test_domain.endswith(".test"):
        raise ConfigurationError(
            "WEBHOOKS_TEST_DOMAIN must be a name under the reserved .test domain "
            f"(for example webhooks.test), but it is {settings.webhooks_test_domain!r}."
        )
