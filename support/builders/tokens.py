"""Builds the bad access tokens the platform must refuse: expired, forged, unsigned, malformed."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid

import jwt

from support.report.redaction import SECRETS


def _claims(user_id: str, organisation_id: str, role: str, lifetime: int) -> dict:
    now = int(time.time())
    return {"sub": user_id, "org": organisation_id, "role": role, "iat": now, "exp": now + lifetime}


def _signed(claims: dict, secret: str) -> str:
    token = jwt.encode(claims, secret, algorithm="HS256")
    SECRETS.add(token)
    return token


def expired(user_id: str, organisation_id: str, role: str, secret: str) -> str:
    claims = _claims(user_id, organisation_id, role, lifetime=900)
    claims["iat"] -= 3600
    claims["exp"] = claims["iat"] + 900  # expired 45 minutes ago
    return _signed(claims, secret)


def expiring_in(user_id: str, organisation_id: str, role: str, secret: str, seconds: int) -> str:
    """A well-signed token whose expiry is `seconds` from now (negative: already expired)."""
    claims = _claims(user_id, organisation_id, role, lifetime=seconds)
    claims["iat"] = min(claims["iat"], claims["exp"] - 1)
    return _signed(claims, secret)


def signed_with_wrong_key(user_id: str, organisation_id: str, role: str) -> str:
    return _signed(_claims(user_id, organisation_id, role, 900), secrets.token_urlsafe(48))


def unsigned(user_id: str, organisation_id: str, role: str) -> str:
    """A token whose header says `alg: none` and which carries no signature at all."""

    def part(data: dict) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = part({"alg": "none", "typ": "JWT"})
    token = f"{header}.{part(_claims(user_id, organisation_id, role, 900))}."
    SECRETS.add(token)
    return token


def for_unknown_user(organisation_id: str, secret: str) -> str:
    return _signed(_claims(str(uuid.uuid4()), organisation_id, "owner", 900), secret)


MALFORMED = "this-is-not-an-access-token"


def pass_named(
    description: str, user_id: str, organisation_id: str, role: str, secret
) -> str | None:
    """The access pass a scenario describes in words; `secret()` gives the signing secret."""
    makers = {
        "no access token": lambda: None,
        "a malformed access token": lambda: MALFORMED,
        "an expired access token": lambda: expired(user_id, organisation_id, role, secret()),
        "an access token that expired a moment ago": lambda: expiring_in(
            user_id, organisation_id, role, secret(), -2
        ),
        "an access token with a few seconds left": lambda: expiring_in(
            user_id, organisation_id, role, secret(), 5
        ),
        "an access token signed with the wrong key": lambda: signed_with_wrong_key(
            user_id, organisation_id, role
        ),
        "an unsigned access token": lambda: unsigned(user_id, organisation_id, role),
        "an access token for a user who never existed": lambda: for_unknown_user(
            organisation_id, secret()
        ),
    }
    if description not in makers:
        raise KeyError(f"No access pass called {description!r}; known: {', '.join(makers)}.")
    return makers[description]()
