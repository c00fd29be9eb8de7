"""Idempotency keys on money-moving requests, as the payment providers' own APIs honour them.

A client that is not sure its request arrived (a timeout, a dropped connection) sends it again
with the same `Idempotency-Key`: the platform gives the first answer again and moves money once.
The same key with another request is refused as a conflict; keys belong to one merchant. Any
operation adopts it by handing `run` its key, a fingerprint of the request and the work to do.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.core.errors import ApiError
from service.stores.idempotency import IdempotencyStore, KeptRequest

KEY_MAX = 255  # as the payment providers allow
KEEP_SECONDS = 24 * 3600  # a key may be used again for another request after a day
# The derived ids of what a keyed request creates (a top-up, say) live in this namespace.
DERIVED_IDS = uuid.UUID("6f1d1f0e-3c59-4c53-9d1e-5b0f6ad4b1a4")


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def fingerprint(operation: str, request: Any) -> str:
    """The same operation with the same values, however the client spelled its body."""
    text = json.dumps([operation, request], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def derived_id(org_id: uuid.UUID, key: str, operation: str) -> uuid.UUID:
    """A stable id for what the keyed request creates, so a retry names the same thing."""
    return uuid.uuid5(DERIVED_IDS, f"{org_id}:{operation}:{key}")


class IdempotentRequests:
    def __init__(self, store: IdempotencyStore) -> None:
        self.store = store

    def run(
        self,
        org_id: uuid.UUID,
        key: str | None,
        operation: str,
        request: Any,
        work: Callable[[], Answer],
    ) -> Answer:
        """Does the work once per key; a refusal it ends in (an ApiError) is kept like a success,
        except a refusal of the request as invalid: as the payment providers do, a request
        whose values failed validation did nothing, so its key is free for the corrected one.

        A request that fails unexpectedly keeps its claim unanswered: nobody can tell whether
        money moved, so a retry with that key is told the request is still being processed
        rather than risk moving money twice.
        """
        if key is None:
            return work()
        self.check_key(key)
        mark = self._fingerprint(operation, request)
        kept = self.store.claim(org_id, key, mark)
        if kept is not None:
            return self._replay(kept, mark)
        try:
            answer = work()
        except ApiError as refused:
            if not self._kept(refused):
                self.store.release(org_id, key)
                raise
            body = {"error": {"code": refused.code, "message": refused.message}}
            self.store.answer(org_id, key, refused.status, body)
            raise
        self.store.answer(org_id, key, answer.status_code, answer.body)
        return answer

    @staticmethod
    def _fingerprint(operation: str, request: Any) -> str:
        """What makes two requests with one key the same request: all of its values."""
        return fingerprint(operation, request)

    @staticmethod
    def _kept(refused: ApiError) -> bool:
        """Whether a refusal is the key's answer: not when the request was invalid (400)."""
        return refused.status != 400

    def check_key(self, key: str) -> None:
        """A key the platform cannot keep is refused before anything is done."""
        if not 1 <= len(key) <= KEY_MAX or not key.isascii() or not key.isprintable():
            raise ApiError(
                400,
                "invalid_request",
                f"The Idempotency-Key must be 1 to {KEY_MAX} printable ASCII characters.",
            )

    @staticmethod
    def _replay(kept: KeptRequest, mark: str) -> Answer:
        if kept.fingerprint != mark:
            raise ApiError(
                409,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request.",
            )
        if kept.status_code is None:
            raise ApiError(
                409,
                "request_in_progress",
                "A request with this Idempotency-Key is still being processed. "
                "Please try again shortly.",
            )
        return Answer(kept.status_code, kept.body, replayed=True)
