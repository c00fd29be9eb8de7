"""Settings: defaults, environment variables, and one clear sentence for each mistake."""

from __future__ import annotations

import pytest

from service.core.settings import ConfigurationError, Settings

GOOD = {
    "DATABASE_URL": "postgresql://owner@localhost/merchant",
    "REDIS_URL": "redis://localhost:6379/0",
    "JWT_SECRET": "x" * 32,
}


def one_sentence(message: str) -> bool:
    return message.endswith(".") and "\n" not in message and "Traceback" not in message


def test_defaults_from_a_minimal_environment() -> None:
    settings = Settings.from_env(GOOD)
    assert settings.app_db_role == "merchant_app"
    assert settings.app_db_password == ""  # required outside test deployments: no default
    assert settings.deployment == "production"
    assert settings.token_ttl_seconds == 900
    assert settings.defects == ()
    assert settings.db_connect_timeout == 10.0
    assert settings.payments_api_key == settings.telephony_account_sid == ""
    assert settings.telephony_api_url == "https://api.twilio.com/2010-04-01"


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            **GOOD,
            "APP_DATABASE_ROLE": "shop_app",
            "APP_DATABASE_PASSWORD": "pw",
            "TOKEN_TTL_SECONDS": "60",
            "DEFECTS": " names_not_trimmed , alg_none_accepted,",
            "DATABASE_CONNECT_TIMEOUT": "2.5",
            "PAYMENTS_API_KEY": "sk_test_1",
            "PAYMENTS_WEBHOOK_SECRET": "whsec_1",
            "TELEPHONY_API_URL": "https://telephony.example/v1",
            "TELEPHONY_ACCOUNT_SID": "AC1",
            "TELEPHONY_AUTH_TOKEN": "tok-secret-123",
        }
    )
    assert (settings.payments_api_key, settings.payments_webhook_secret) == ("sk_test_1", "whsec_1")
    assert settings.telephony_api_url == "https://telephony.example/v1"
    assert settings.telephony_account_sid == "AC1"
    assert settings.telephony_auth_token == "tok-secret-123"
    for secret in ("sk_test_1", "whsec_1", "tok-secret-123", "x" * 32, "pw'"):
        assert secret not in repr(settings)
    assert (settings.app_db_role, settings.app_db_password) == ("shop_app", "pw")
    assert settings.token_ttl_seconds == 60
    assert settings.defects == ("names_not_trimmed", "alg_none_accepted")
    assert settings.db_connect_timeout == 2.5


@pytest.mark.parametrize(
    ("changes", "mentions"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL is missing"),
        ({"REDIS_URL": ""}, "REDIS_URL is missing"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL must start with"),
        ({"JWT_SECRET": "short"}, "at least 32 characters"),
        ({"JWT_SECRET": ""}, "at least 32 characters"),
        ({"TOKEN_TTL_SECONDS": "soon"}, "TOKEN_TTL_SECONDS must be a whole number"),
        ({"TOKEN_TTL_SECONDS": "0"}, "more than zero"),
        ({"TOKEN_TTL_SECONDS": "3601"}, "at most 3600"),
        ({"APP_DATABASE_ROLE": "Robert'); drop"}, "APP_DATABASE_ROLE must be"),
        ({"DATABASE_CONNECT_TIMEOUT": "-1"}, "DATABASE_CONNECT_TIMEOUT"),
        ({"TELEPHONY_API_URL": "http://telephony.example"}, "TELEPHONY_API_URL must start"),
        ({"DEPLOYMENT": "staging"}, "DEPLOYMENT must be one of"),
        ({"SIGN_IN_FAILURES_PER_ADDRESS": "many"}, "SIGN_IN_FAILURES_PER_ADDRESS must be a whole"),
        ({"SIGN_IN_FAILURES_PER_ADDRESS": "0"}, "SIGN_IN_FAILURES_PER_ADDRESS must be at least 1"),
    ],
)
def test_bad_configuration_is_refused_in_one_sentence(changes: dict, mentions: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({**GOOD, **changes})
    message = str(refused.value)
    assert mentions in message
    assert one_sentence(message), message


def test_an_unknown_defect_lists_the_known_ones() -> None:
    from service.app import create_app  # the defects are checked where they are switched on

    with pytest.raises(ConfigurationError) as refused:
        create_app(Settings.from_env({**GOOD, "DEFECTS": "names_not_trimmed,nope"}))
    assert "'nope'" in str(refused.value)
    assert "names_not_trimmed" in str(refused.value)
    assert "alg_none_accepted" in str(refused.value)


def test_the_secret_never_appears_in_a_refusal() -> None:
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env({**GOOD, "JWT_SECRET": "hunter2"})
    assert "hunter2" not in str(refused.value)


def test_a_test_deployment_has_a_default_application_role_password() -> None:
    assert Settings.from_env({**GOOD, "DEPLOYMENT": "test"}).app_db_password == "merchant_app"


def test_only_a_test_deployment_serves_the_interactive_api_pages() -> None:
    from service.app import create_app

    live = create_app(Settings.from_env(GOOD))
    test = create_app(Settings.from_env({**GOOD, "DEPLOYMENT": "test"}))
    assert (live.docs_url, live.redoc_url) == (None, None)
    assert (test.docs_url, test.redoc_url) == ("/docs", "/redoc")
    assert live.openapi_url == test.openapi_url == "/openapi.json"


def test_a_deployment_allows_20_sign_ups_an_hour_from_one_address_unless_told_otherwise() -> None:
    # The suite's deployments set their own limit (every scenario signs up from 127.0.0.1), so no
    # scenario sees the default: this is where a changed default or window is caught.
    from service.platform import build_platform

    limit = build_platform(Settings.from_env(GOOD)).sign_up_limits.per_address
    assert (limit.amount, limit.get_expiry()) == (20, 3600)
