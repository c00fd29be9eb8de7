"""The one error shape of the API, and the handlers that turn every failure into it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.validation_messages import describe_validation_errors

log = logging.getLogger("service.core.errors")

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again."

_HTTP_CODES: Mapping[int, tuple[str, str]] = {
    400: ("invalid_request", "The request is not valid."),
    401: ("unauthorized", "Please sign in again."),
    403: ("forbidden", "You do not have permission to do that."),
    404: ("not_found", "We could not find what you asked for."),
    405: ("method_not_allowed", "That action is not allowed here."),
    409: ("conflict", "That conflicts with what already exists."),
}


class ApiError(Exception):
    """A failure the client should see: an HTTP status, a stable code and a plain message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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


def _renderer(request_app: Any) -> ErrorRenderer:
    platform = getattr(getattr(request_app, "state", None), "platform", None)
    return getattr(platform, "errors", None) or ErrorRenderer()


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(UnexpectedErrorMiddleware)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return envelope(exc.status, exc.code, exc.message, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return envelope(400, "invalid_request", describe_validation_errors(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("http_error", "The request failed."))
    if exc.status_code >= 500:
        code, message = "internal_error", INTERNAL_ERROR_MESSAGE
    return envelope(exc.status_code, code, message, exc.headers)


class UnexpectedErrorMiddleware:
    """Answers 500 in the error shape for anything unhandled, and logs it on the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.exception("Unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            message = _renderer(scope.get("app")).internal_error_message(exc)
            response = envelope(500, "internal_error", message)
            await response(scope, receive, send)
