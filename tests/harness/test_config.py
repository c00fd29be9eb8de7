"""Target configuration: every wrong setting is one clear sentence, before anything starts."""

import pytest

from support.target.config import HarnessError, Mode, resolve

VARIABLES = ("BASE_URL", "DATABASE_URL", "REDIS_URL", "JWT_SECRET", "TARGET_SAFE_FOR_TESTS")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_nothing_set_means_the_embedded_default():
    assert resolve().mode is Mode.EMBEDDED


def test_database_and_redis_mean_external_services():
    settings = resolve(database_url="postgresql://localhost/x", redis_url="redis://localhost/1")
    assert settings.mode is Mode.EXTERNAL and settings.safe_for_tests


def test_a_remote_target_is_not_safe_unless_declared(monkeypatch):
    urls = dict(
        base_url="https://staging.example.com",
        database_url="postgresql://db/x",
        redis_url="redis://cache/0",
    )
    assert not resolve(**urls).safe_for_tests
    monkeypatch.setenv("TARGET_SAFE_FOR_TESTS", "yes")
    assert resolve(**urls).safe_for_tests


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"database_url": "postgresql://localhost/x"}, "REDIS_URL is not"),
        ({"redis_url": "redis://localhost/0"}, "DATABASE_URL is not"),
        ({"base_url": "https://x.example.com"}, "a remote target needs"),
        ({"database_url": "mysql://x", "redis_url": "redis://y"}, "DATABASE_URL must start with"),
        ({"database_url": "postgresql://x", "redis_url": "http://y"}, "REDIS_URL must start with"),
        (
            {"base_url": "ftp://x", "database_url": "postgresql://x", "redis_url": "redis://y"},
            "BASE_URL must start with",
        ),
    ],
)
def test_wrong_settings_are_one_sentence(given, says):
    with pytest.raises(HarnessError) as raised:
        resolve(**given)
    message = str(raised.value)
    assert says in message
    assert "\n" not in message and message.endswith(".")
