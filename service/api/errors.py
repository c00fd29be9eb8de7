"""Turns every failure (refusals, bad requests, crashes) into the one error shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.validation_messages import describe_validation_errors
from service.core.errors import (
    HTTP_CODES,
    INTERNAL_ERROR_MESSAGE,
    ApiError,
    envelope,
    renderer_of,
)

log = logging.getLogger("service.errors")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(UnexpectedErrorMiddleware)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return envelope(exc.status, exc.code, exc.message, {**headers, **(exc.headers or {})})


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return envelope(400, "invalid_request", describe_validation_errors(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = HTTP_CODES.get(exc.status_code, ("http_error", "The request failed."))
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
            message = renderer_of(scope.get("app")).internal_error_message(exc)
            response = envelope(500, "internal_error", message)
            await response(scope, receive, send)
