"""Operators: the platform's own staff, who run jobs on demand with the operator token."""

from __future__ import annotations

import hmac

from service.core.errors import ApiError


class Operators:
    def __init__(self, token: str) -> None:
        self._token = token

    def authenticate(self, token: str | None) -> None:
        """Accepts only the configured operator token; with none configured, nobody."""
        if not self._token or not token or not hmac.compare_digest(token, self._token):
            raise ApiError(401, "unauthorized", "This needs an operator's access token.")
