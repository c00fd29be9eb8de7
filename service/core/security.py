"""Password hashing (scrypt) and bearer tokens (JWT, HS256 only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "sub", "org", "role"]
ROLES = ("owner", "admin", "viewer")


class PasswordHasher:
    """scrypt with a random salt; hashes look like `scrypt$n$r$p$salt$hash` (base64)."""

    def __init__(self, n: int = 2**14, r: int = 8, p: int = 1, salt_bytes: int = 16) -> None:
        self._n, self._r, self._p, self._salt_bytes = n, r, p, salt_bytes

    def hash(self, password: str) -> str:
        salt = secrets.token_bytes(self._salt_bytes)
        digest = _scrypt(password, salt, self._n, self._r, self._p)
        return f"scrypt${self._n}${self._r}${self._p}${_b64(salt)}${_b64(digest)}"

    def verify(self, encoded: str, password: str) -> bool:
        try:
            scheme, n, r, p, salt, expected = encoded.split("$")
            if scheme != "scrypt":
                return False
            digest = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
            return hmac.compare_digest(digest, _unb64(expected))
        except (ValueError, TypeError):
            return False


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=32,
        maxmem=128 * r * (n + p + 2) + 1024 * 1024,  # what scrypt needs at this cost, and a margin
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class InvalidToken(Exception):
    """The bearer token cannot be trusted (the reason stays on the server)."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: uuid.UUID
    org_id: uuid.UUID
    role: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


class TokenService:
    """Issues and verifies HS256 tokens carrying user, organisation, role and expiry."""

    def __init__(
        self, secret: str, ttl_seconds: int, clock: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self._ttl = ttl_seconds
        self._clock = clock

    def issue(self, user_id: uuid.UUID, org_id: uuid.UUID, role: str) -> IssuedToken:
        now = int(self._clock())
        claims = {
            "sub": str(user_id),
            "org": str(org_id),
            "role": role,
            "iat": now,
            "exp": now + self._ttl,
        }
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), self._ttl)

    def verify(self, token: str) -> TokenClaims:
        try:
            header = jwt.get_unverified_header(token)
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=self._algorithms(header),
                options=self._options(header),
            )
            return TokenClaims(
                user_id=uuid.UUID(str(payload["sub"])),
                org_id=uuid.UUID(str(payload["org"])),
                role=_known_role(payload["role"]),
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InvalidToken(type(exc).__name__) from exc

    def _algorithms(self, header: dict[str, Any]) -> list[str]:
        return [ALGORITHM]

    def _options(self, header: dict[str, Any]) -> dict[str, Any]:
        return {"verify_signature": True, "verify_exp": True, "require": list(REQUIRED_CLAIMS)}


def _known_role(role: object) -> str:
    if role not in ROLES:
        raise ValueError("unknown role")
    return str(role)
