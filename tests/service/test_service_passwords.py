"""Password hashing: scrypt, salted, verified in constant time, robust to bad encodings."""

from __future__ import annotations

import pytest

from service.core.security import PasswordHasher

FAST = PasswordHasher(n=2**10)


def test_a_hash_verifies_its_own_password_only() -> None:
    encoded = FAST.hash("correct horse battery")
    assert FAST.verify(encoded, "correct horse battery")
    assert not FAST.verify(encoded, "correct horse battery!")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert FAST.hash("same password") != FAST.hash("same password")


def test_the_encoding_names_scrypt_and_its_parameters() -> None:
    scheme, n, r, p, _salt, _digest = PasswordHasher().hash("a password").split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")


@pytest.mark.parametrize(
    "encoded", ["", "plain", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AAAA$AAAA", "scrypt$1024$8$1$!!$??"]
)
def test_malformed_hashes_never_verify(encoded: str) -> None:
    assert not FAST.verify(encoded, "anything")


def test_a_deployment_hashes_at_the_production_cost_unless_told_otherwise() -> None:
    from service.core.settings import Settings
    from service.platform import build_platform

    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql://x/y", "REDIS_URL": "redis://x", "JWT_SECRET": "s" * 32}
    )
    assert settings.password_hash_cost == 17  # OWASP's guidance for scrypt
    scheme, n, *_ = build_platform(settings).passwords.hash("a password").split("$")
    assert (scheme, n) == ("scrypt", str(2**17))
