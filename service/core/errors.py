"""The one error shape of the API: ApiError, the envelope, and what a client is told of a fault."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again."

HTTP_CODES: Mapping[int, tuple[str, str]] = {
    400: ("invalid_request", "The request is not valid."),
    401: ("unauthorized", "Please sign in again."),
    403: ("forbidden", "You do not have permission to do that."),
    404: ("not_found", "We could not find what you asked for."),
    405: ("method_not_allowed", "That action is not allowed here."),
    409: ("conflict", "That conflicts with what already exists."),
    413: ("request_too_large", "The request is larger than the platform accepts (1 MB at most)."),
}


class ApiError(Exception):
    """A failure the client should see: an HTTP status, a stable code and a plain message."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers  # e.g. Retry-After


def not_found(message: str = "We could not find what you asked for.") -> ApiError:
    return ApiError(404, "not_found", message)


def envelope(status: int, code: str, message: str, headers: Mapping[str, str] | None = None):
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


class ErrorRenderer:
    """Decides what a client is told about an unexpected failure."""

    def internal_error_message(self, exc: BaseException) -> str:
        return INTERNAL_ERROR_MESSAGE


def renderer_of(request_app: Any) -> ErrorRenderer:
    platform = getattr(getattr(request_app, "state", None), "platform", None)
    return getattr(platform, "errors", None) or ErrorRenderer()
