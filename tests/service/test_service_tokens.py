"""Bearer tokens: HS256 only, with user, organisation, role and an expiry that is checked."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest

from service.core.security import InvalidToken, TokenService

SECRET = "a-test-secret-that-is-long-enough-1234"
USER, ORG = uuid.uuid4(), uuid.uuid4()


def claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "sub": str(USER),
        "org": str(ORG),
        "role": "admin",
        "iat": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def unsigned(payload: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def test_an_issued_token_verifies_to_its_claims() -> None:
    tokens = TokenService(SECRET, 900)
    issued = tokens.issue(USER, ORG, "owner")
    assert issued.expires_in == 900
    verified = tokens.verify(issued.access_token)
    assert (verified.user_id, verified.org_id, verified.role) == (USER, ORG, "owner")
    header = jwt.get_unverified_header(issued.access_token)
    assert header["alg"] == "HS256"
    payload = jwt.decode(issued.access_token, SECRET, algorithms=["HS256"])
    assert payload["exp"] - payload["iat"] == 900


def test_an_expired_token_is_refused() -> None:
    tokens = TokenService(SECRET, 60, clock=lambda: time.time() - 3600)
    with pytest.raises(InvalidToken):
        tokens.verify(tokens.issue(USER, ORG, "owner").access_token)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(
            jwt.encode(claims(), "another-secret-also-long-enough-xyz"), id="wrong secret"
        ),
        pytest.param(unsigned(claims()), id="alg none"),
        pytest.param(jwt.encode(claims(), SECRET * 2, algorithm="HS512"), id="HS512"),
        pytest.param(jwt.encode(claims(exp=None), SECRET), id="no exp"),
        pytest.param(jwt.encode(claims(org=None), SECRET), id="no org"),
        pytest.param(jwt.encode(claims(sub=None), SECRET), id="no sub"),
        pytest.param(jwt.encode(claims(role=None), SECRET), id="no role"),
        pytest.param(jwt.encode(claims(role="superuser"), SECRET), id="unknown role"),
        pytest.param(jwt.encode(claims(org="not-a-uuid"), SECRET), id="org not a uuid"),
        pytest.param("not-a-token", id="garbage"),
        pytest.param("", id="empty"),
    ],
)
def test_untrustworthy_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidToken):
        TokenService(SECRET, 900).verify(token)
