"""Defects of idempotency keys on money-moving requests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from service.core.errors import ApiError
from service.defects.base import Defect
from service.domain.idempotency import Answer, IdempotentRequests, fingerprint
from service.stores.idempotency import KeptRequest


class IdempotencyKeysIgnored(IdempotentRequests):
    def run(
        self,
        org_id: uuid.UUID,
        key: str | None,
        operation: str,
        request: Any,
        work: Callable[[], Answer],
    ) -> Answer:
        return work()


class ReusedKeyReplaysFirstAnswer(IdempotentRequests):
    @staticmethod
    def _replay(kept: KeptRequest, mark: str) -> Answer:
        return IdempotentRequests._replay(kept, kept.fingerprint)


class InvalidRequestKeptForKey(IdempotentRequests):
    @staticmethod
    def _kept(refused: ApiError) -> bool:
        return True


class RefusalsNotKeptForKey(IdempotentRequests):
    @staticmethod
    def _kept(refused: ApiError) -> bool:
        return False


class AnyKeyAccepted(IdempotentRequests):
    def check_key(self, key: str) -> None:
        return None


class ChargeKeyIgnoresDescription(IdempotentRequests):
    """Recognises a charge by its amount alone: the same key spent on something else is taken
    as the same charge."""

    @staticmethod
    def _fingerprint(operation: str, request: Any) -> str:
        if operation == "charge":
            request = {"amount_pence": request["amount_pence"]}
        return fingerprint(operation, request)


DEFECTS: dict[str, Defect] = {
    "idempotency_keys_ignored": Defect(
        "A request sent again with the same idempotency key is done again (money moves twice).",
        "idempotency",
        IdempotencyKeysIgnored,
    ),
    "reused_key_replays_first_answer": Defect(
        "A key used for one request, sent with another, gets the first answer instead of a "
        "refusal.",
        "idempotency",
        ReusedKeyReplaysFirstAnswer,
    ),
    "invalid_request_kept_for_key": Defect(
        "A keyed request refused as invalid keeps that refusal as the key's answer, so the "
        "corrected request with the same key is refused.",
        "idempotency",
        InvalidRequestKeptForKey,
    ),
    "refusals_not_kept_for_key": Defect(
        "A keyed request refused after it started (too little credit, say) is done again "
        "when retried with its key.",
        "idempotency",
        RefusalsNotKeptForKey,
    ),
    "charge_key_ignores_description": Defect(
        "A key used for one charge replays its answer for a charge of the same amount spent on "
        "something else.",
        "idempotency",
        ChargeKeyIgnoresDescription,
    ),
    "any_idempotency_key_accepted": Defect(
        "Idempotency keys of any length or characters are accepted.",
        "idempotency",
        AnyKeyAccepted,
    ),
}
