"""Turns every failure (refusals, bad requests, crashes) into the one error shape."""

from __future__ import annotations

import logging
import re

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
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return envelope(exc.status_code, code, message, headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API document gives this path. Starlette's own `Allow` names only the
    first route that matched the path, so a path served by a GET and a POST route said one."""
    for pattern, methods in _documented_paths(request.app):
        if pattern.fullmatch(request.url.path):
            return methods
    return []


def _documented_paths(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    paths = getattr(app.state, "documented_paths", None)
    if paths is None:
        paths = [
            (
                re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))),
                sorted(method.upper() for method in operations),
            )
            for template, operations in app.openapi().get("paths", {}).items()
        ]
        app.state.documented_paths = paths
    return paths


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
