"""The defect catalogue: every entry is described, switchable, and confined to one component."""

from __future__ import annotations

import dataclasses

import pytest

from service.core.errors import INTERNAL_ERROR_MESSAGE, ErrorRenderer
from service.core.settings import ConfigurationError
from service.defects import CATALOGUE, check_defect_names
from service.defects.base import make_faulty
from service.domain.access import AccessPolicy, Action
from service.platform import Platform

EXPECTED = {
    "telemetry_failure_reported",
    "status_ignores_tenant",
    "status_blocks_on_store_failure",
    "names_not_trimmed",
    "sql_in_server_errors",
    "expired_tokens_accepted",
    "alg_none_accepted",
    "token_signature_unchecked",
    "completion_not_idempotent",
    "database_isolation_missing",
    "viewer_can_complete",
    "other_merchant_member_revealed",
    "amount_sent_in_pounds",
    "idempotency_key_not_sent",
    "stale_signature_accepted",
    "missing_signature_accepted",
    "credited_on_intent_creation",
    "ledger_pages_overlap",
    "summary_ignores_refunds",
    "exact_balance_refused",
    "charge_check_not_atomic",
    "duplicate_event_credits_twice",
    "balance_checked_after_provider_call",
    "no_refund_when_provider_fails",
    "provisioning_race_charges_twice",
    "missing_credentials_charge",
    "wrong_password_accepted",
    "success_treated_as_failure",
    "failed_payment_credits",
    "failed_top_up_left_pending",
    "number_not_recorded",
    "viewer_can_spend",
}
COMPONENTS = {field.name for field in dataclasses.fields(Platform)}


def test_the_catalogue_holds_the_known_defects() -> None:
    assert set(CATALOGUE) >= EXPECTED


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_defect_has_a_one_line_summary_and_targets_one_component(name: str) -> None:
    defect = CATALOGUE[name]
    assert defect.summary.strip() and "\n" not in defect.summary
    assert defect.summary.endswith(".")
    assert callable(defect.apply)
    assert defect.component.split(".")[0] in COMPONENTS
    assert isinstance(defect.variant, type)


def test_settings_accept_catalogue_names_and_refuse_others() -> None:
    check_defect_names(tuple(sorted(CATALOGUE)))
    with pytest.raises(ConfigurationError):
        check_defect_names(("not_a_defect",))


class _Holder:
    def __init__(self) -> None:
        self.errors = ErrorRenderer()
        self.access = AccessPolicy()


def test_applying_a_defect_changes_that_component_in_place() -> None:
    holder = _Holder()
    renderer = holder.errors
    CATALOGUE["sql_in_server_errors"].apply(holder)
    assert holder.errors is renderer
    assert renderer.internal_error_message(ValueError("relation users")) == "relation users"
    assert AccessPolicy().allows("viewer", Action.COMPLETE_ONBOARDING) is False
    assert ErrorRenderer().internal_error_message(ValueError("x")) == INTERNAL_ERROR_MESSAGE


def test_defects_on_the_same_component_compose() -> None:
    class A(AccessPolicy):
        def allows(self, role: str, action: Action) -> bool:
            return role == "a" or super().allows(role, action)

    class B(AccessPolicy):
        def allows(self, role: str, action: Action) -> bool:
            return role == "b" or super().allows(role, action)

    policy = AccessPolicy()
    make_faulty(policy, A)
    make_faulty(policy, B)
    assert policy.allows("a", Action.MANAGE_TEAM) and policy.allows("b", Action.MANAGE_TEAM)
    assert policy.allows("owner", Action.MANAGE_TEAM)
    assert not policy.allows("viewer", Action.MANAGE_TEAM)


def test_viewer_can_complete_only_widens_completion() -> None:
    holder = _Holder()
    CATALOGUE["viewer_can_complete"].apply(holder)
    assert holder.access.allows("viewer", Action.COMPLETE_ONBOARDING)
    assert not holder.access.allows("viewer", Action.MANAGE_TEAM)
