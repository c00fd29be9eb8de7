"""Refuses request bodies over the limit before reading them, on every route (413, the envelope).

A declared Content-Length over the limit is refused without reading a byte; a body that does not
declare its length is counted as it arrives and refused as soon as it passes the limit, so the
service never holds more than the limit (plus one chunk) of any request.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.core.errors import HTTP_CODES, envelope
from service.core.limits import RequestLimits

_DEFAULT = RequestLimits()


def _limits(scope: Scope) -> RequestLimits:
    platform = getattr(getattr(scope.get("app"), "state", None), "platform", None)
    return getattr(platform, "limits", None) or _DEFAULT


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = _limits(scope)
        declared = _declared_length(scope)
        if declared is not None and limits.too_large(declared):
            code, message = HTTP_CODES[413]
            await envelope(413, code, message, {"Connection": "close"})(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if limits.too_large(received):
                    raise HTTPException(413, headers={"Connection": "close"})
            return message

        await self.app(scope, counting_receive, send)
