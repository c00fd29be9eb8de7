"""The HTTP error shape, checked in-process with stand-in components (no database needed)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

with warnings.catch_warnings():  # Starlette prefers httpx2 for its test client; httpx is pinned
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

from service.app import create_app
from service.core.errors import INTERNAL_ERROR_MESSAGE, ErrorRenderer
from service.core.settings import Settings
from service.defects.accounts import SqlInServerErrors
from service.defects.base import make_faulty
from service.domain.accounts import unauthorized

LEAK = 'relation "users" violates constraint users_email_key at /srv/service/stores.py'


class BrokenAccounts:
    def sign_up(self, *args: Any) -> None:
        raise RuntimeError(LEAK)

    def authenticate(self, token: str | None) -> None:
        raise RuntimeError(LEAK)


class NoSignUpLimits:
    def guard(self, address: str, sign_up: Callable[[], Any]) -> Any:
        return sign_up()


@pytest.fixture
def client() -> TestClient:
    app = create_app(Settings("postgresql://owner@localhost/db", "redis://localhost", "s" * 32))
    app.state.platform = SimpleNamespace(
        accounts=BrokenAccounts(), errors=ErrorRenderer(), sign_up_limits=NoSignUpLimits()
    )
    return TestClient(app, raise_server_exceptions=False)  # no `with`: the lifespan is not run


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    return body["error"]


def test_unknown_routes_answer_not_found(client: TestClient) -> None:
    response = client.get("/api/nowhere")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_methods_answer_method_not_allowed(client: TestClient) -> None:
    response = client.get("/api/auth/signup")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/orders", "GET, POST"),  # two routes share the path: both methods are named
        ("/api/wallet", "GET"),
        ("/api/orders/3f0c9a52-0000-4000-8000-000000000001/refunds", "POST"),
    ],
)
def test_a_wrong_method_names_every_method_the_path_takes(
    client: TestClient, path: str, allowed: str
) -> None:
    response = client.delete(path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed


def test_malformed_json_is_an_invalid_request(client: TestClient) -> None:
    response = client.post(
        "/api/auth/signup", content=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "invalid_request",
        "message": "The request body is not valid JSON.",
    }


def test_validation_failures_name_no_field(client: TestClient) -> None:
    response = client.post("/api/auth/signup", json={"email": "ann@shop.example"})
    assert response.status_code == 400
    assert error_of(response)["message"] == "The password is required."


def test_unexpected_failures_are_sanitised(client: TestClient) -> None:
    response = client.post(
        "/api/auth/signup",
        json={"email": "ann@shop.example", "password": "violet tractor 27 lantern"},
    )
    assert response.status_code == 500
    assert error_of(response) == {"code": "internal_error", "message": INTERNAL_ERROR_MESSAGE}
    assert "users" not in response.text and "Traceback" not in response.text


def test_the_sql_defect_leaks_the_database_text(client: TestClient) -> None:
    make_faulty(client.app.state.platform.errors, SqlInServerErrors)  # type: ignore[attr-defined]
    response = client.post(
        "/api/auth/signup",
        json={"email": "ann@shop.example", "password": "violet tractor 27 lantern"},
    )
    assert response.status_code == 500
    assert "users_email_key" in error_of(response)["message"]


class RefusingAccounts:
    def authenticate(self, token: str | None) -> None:
        assert token is None
        raise unauthorized()


def test_missing_tokens_are_refused_with_a_bearer_challenge(client: TestClient) -> None:
    client.app.state.platform.accounts = RefusingAccounts()  # type: ignore[attr-defined]
    response = client.get("/api/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
