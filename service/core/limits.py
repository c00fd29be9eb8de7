"""Limits on what one request may make the service hold: the size of its body."""

from __future__ import annotations

MAX_BODY_BYTES = 1024 * 1024  # far above any real request (a provider event is a few KB)


class RequestLimits:
    def __init__(self, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.max_body_bytes = max_body_bytes

    def too_large(self, size: int) -> bool:
        return size > self.max_body_bytes
