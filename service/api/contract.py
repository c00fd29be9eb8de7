"""The OpenAPI document as the contract: the error envelope for every refusal an operation
really answers, and nothing it never answers.

A router declares the refusals particular to an operation with `responses=refusals(402, ...)`.
Two come from the contract itself, because they are answered the same way everywhere: 400 (in
place of FastAPI's 422, which the service never sends: its validation handler answers 400) for
every operation with input to validate, 401 for every operation that declares the bearer token,
and 413 for every operation that takes a body (the body limit refuses it before any route).
`install_contract` applies them when the document is built.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

REFUSALS: dict[int, str] = {
    400: "The request is not valid (what is wrong is in the message); nothing changed.",
    401: "Not signed in, wrong credentials, or a signature that cannot be trusted.",
    402: "The wallet holds too little credit, or the card was declined; nothing changed.",
    403: "The signed-in role does not allow this.",
    404: "Not found (or not yours: the two read the same).",
    409: (
        "It already exists, or conflicts with what is there (an Idempotency-Key used for "
        "another request, an item out of stock); nothing changed."
    ),
    413: "The request body is larger than the platform accepts; nothing was read.",
    429: "Too many attempts; try again later.",
    502: "The outside provider failed; nothing was charged.",
    503: "The outside provider is not available; nothing was charged.",
}
_ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z_]+$", description="stable, for programs")
    message: str = Field(min_length=1, description="one plain sentence, for people")


class ErrorEnvelope(BaseModel):
    """The one shape of every refusal and fault."""

    model_config = ConfigDict(extra="forbid")
    error: ErrorDetail


def _refusal(status: int) -> dict[str, Any]:
    return {
        "description": REFUSALS[status],
        "content": {"application/json": {"schema": _ENVELOPE_REF}},
    }


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an operation: each status answered with the error envelope."""
    return {status: _refusal(status) for status in statuses}


_REQUIRED = "x-documented-as-required"


def required_headers(*names: str) -> dict[str, Any]:
    """`openapi_extra=` for headers the domain insists on (so that a defect there can skip the
    check) but FastAPI is not asked to: the document still says they are required."""
    return {_REQUIRED: [name.lower() for name in names]}


def install_contract(app: FastAPI) -> None:
    """Make `app.openapi()` build the contract (once, then cached as FastAPI does)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _finish(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _finish(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    envelope = ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(envelope.pop("$defs", {}))
    schemas["ErrorEnvelope"] = envelope
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            answers = operation["responses"]
            if answers.pop("422", None) is not None:
                answers.setdefault("400", _refusal(400))
            if operation.get("security"):
                answers.setdefault("401", _refusal(401))
            if "requestBody" in operation:
                answers.setdefault("413", _refusal(413))
            required = operation.pop(_REQUIRED, [])
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "header" and parameter["name"].lower() in required:
                    parameter["required"] = True
                    parameter["schema"].pop("anyOf", None)
                    parameter["schema"].update(type="string")
