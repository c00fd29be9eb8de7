"""The onboarding wizard's rules: fire-and-forget telemetry, forgiving status, completion."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from service.core.errors import ApiError
from service.domain.rules import (
    BUSINESS_NAME_MAX,
    CATEGORY_MAX,
    FIRST_STEP,
    LAST_STEP,
    trim_and_cut,
)
from service.stores.onboarding import CompletionRecord, OnboardingStore

log = logging.getLogger("service.domain.onboarding")

STEP_MESSAGE = f"The step must be a whole number from {FIRST_STEP} to {LAST_STEP}."


class Onboarding:
    def __init__(self, store: OnboardingStore) -> None:
        self.store = store

    def record_event(self, org_id: uuid.UUID, event_name: str, step_index: int) -> None:
        """Never fails the caller once valid: losing a telemetry event must not break the wizard."""
        if not self._step_known(step_index):
            raise ApiError(400, "invalid_request", STEP_MESSAGE)
        try:
            self.store.record_event(org_id, event_name, step_index)
        except Exception as exc:
            self._event_not_recorded(exc)

    def _step_known(self, step_index: int) -> bool:
        return FIRST_STEP <= step_index <= LAST_STEP

    def _event_not_recorded(self, exc: Exception) -> None:
        log.warning("An onboarding event was not recorded: %s", exc)

    def needs_onboarding(self, org_id: uuid.UUID) -> bool:
        """Whether the wizard should show; if the store fails, do not block the merchant."""
        try:
            found, completed_at = self._completion_state(org_id)
        except Exception as exc:
            return self._status_unavailable(exc)
        return found and completed_at is None

    def _completion_state(self, org_id: uuid.UUID) -> tuple[bool, datetime | None]:
        return self.store.completion_state(org_id)

    def _status_unavailable(self, exc: Exception) -> bool:
        log.warning("Onboarding status unavailable, answering 'not needed': %s", exc)
        return False

    def complete(
        self, org_id: uuid.UUID, business_name: str | None, category: str | None
    ) -> CompletionRecord:
        record = self.store.complete(
            org_id,
            self._clean(business_name, BUSINESS_NAME_MAX),
            self._clean(category, CATEGORY_MAX),
        )
        if record is None:
            raise ApiError(404, "not_found", "We could not find your organisation.")
        return record

    def _clean(self, value: str | None, limit: int) -> str | None:
        return trim_and_cut(value, limit)
