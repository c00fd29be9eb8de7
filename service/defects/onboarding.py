"""Defects of onboarding: wizard activity, the status question and completion."""

from __future__ import annotations

import uuid
from datetime import datetime

from service.core.errors import ApiError
from service.defects.base import Defect
from service.domain.onboarding import Onboarding
from service.stores.onboarding import CompletionRecord


class TelemetryFailureReported(Onboarding):
    def _event_not_recorded(self, exc: Exception) -> None:
        raise exc


class StatusIgnoresTenant(Onboarding):
    def _completion_state(self, org_id: uuid.UUID) -> tuple[bool, datetime | None]:
        with self.store.db.owner() as conn:
            row = conn.execute(
                "select onboarding_completed_at from organisations"
                " where onboarding_completed_at is not null"
                " order by onboarding_completed_at desc limit 1"
            ).fetchone()
        return True, row["onboarding_completed_at"] if row else None


class StatusBlocksOnStoreFailure(Onboarding):
    def _status_unavailable(self, exc: Exception) -> bool:
        raise exc


class NamesNotTrimmed(Onboarding):
    def _clean(self, value: str | None, limit: int) -> str | None:
        return value


class CutBeforeTrimmed(Onboarding):
    def _clean(self, value: str | None, limit: int) -> str | None:
        return value[:limit].strip() or None if value is not None else None


class CompletionNotIdempotent(Onboarding):
    def complete(
        self, org_id: uuid.UUID, business_name: str | None, category: str | None
    ) -> CompletionRecord:
        _, completed_at = self.store.completion_state(org_id)
        if completed_at is not None:
            raise ApiError(409, "conflict", "Onboarding has already been completed.")
        return super().complete(org_id, business_name, category)


class StepsRecordedOneLate(Onboarding):
    def record_event(self, org_id: uuid.UUID, event_name: str, step_index: int) -> None:
        super().record_event(org_id, event_name, min(step_index + 1, 4))


class StepsBeyondTheWizardAccepted(Onboarding):
    def _step_known(self, step_index: int) -> bool:
        return True


class StatusAlwaysNeeded(Onboarding):
    def _completion_state(self, org_id: uuid.UUID) -> tuple[bool, datetime | None]:
        found, _ = super()._completion_state(org_id)
        return found, None


class CategorySavedAsName(Onboarding):
    def complete(
        self, org_id: uuid.UUID, business_name: str | None, category: str | None
    ) -> CompletionRecord:
        return super().complete(org_id, business_name, business_name)


class BusinessDetailsRequired(Onboarding):
    def complete(
        self, org_id: uuid.UUID, business_name: str | None, category: str | None
    ) -> CompletionRecord:
        if business_name is None or category is None:
            raise ApiError(400, "invalid_request", "The business name is required.")
        return super().complete(org_id, business_name, category)


DEFECTS: dict[str, Defect] = {
    "telemetry_failure_reported": Defect(
        "A failure to save a wizard event is reported to the merchant instead of ignored.",
        "onboarding",
        TelemetryFailureReported,
    ),
    "status_ignores_tenant": Defect(
        "Whether a merchant needs onboarding is answered from the last merchant who finished it.",
        "onboarding",
        StatusIgnoresTenant,
    ),
    "status_blocks_on_store_failure": Defect(
        "When onboarding status cannot be read, the merchant gets an error instead of the app.",
        "onboarding",
        StatusBlocksOnStoreFailure,
    ),
    "names_not_trimmed": Defect(
        "Business name and category are saved with their spaces and at any length.",
        "onboarding",
        NamesNotTrimmed,
    ),
    "cut_before_trimmed": Defect(
        "Business details are cut to their limit before the spaces around them are dropped, so "
        "an overlong one with spaces in front loses characters it should keep.",
        "onboarding",
        CutBeforeTrimmed,
    ),
    "completion_not_idempotent": Defect(
        "Finishing onboarding a second time is refused as a conflict.",
        "onboarding",
        CompletionNotIdempotent,
    ),
    "steps_recorded_one_late": Defect(
        "Wizard activity is recorded against the next step, not the one reported.",
        "onboarding",
        StepsRecordedOneLate,
    ),
    "steps_beyond_the_wizard_accepted": Defect(
        "Wizard activity at steps the wizard does not have is accepted (and silently lost).",
        "onboarding",
        StepsBeyondTheWizardAccepted,
    ),
    "status_always_needed": Defect(
        "Merchants who finished onboarding are still told they need it.",
        "onboarding",
        StatusAlwaysNeeded,
    ),
    "category_saved_as_name": Defect(
        "Completing onboarding saves the business name as the category too.",
        "onboarding",
        CategorySavedAsName,
    ),
    "business_details_required": Defect(
        "Completing onboarding without business details is refused.",
        "onboarding",
        BusinessDetailsRequired,
    ),
}
