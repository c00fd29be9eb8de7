"""Who may do what: the role rules for the actions that need more than any signed-in user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from service.core.errors import ApiError


@dataclass(frozen=True)
class Principal:
    """The signed-in user a request acts for."""

    user_id: uuid.UUID
    org_id: uuid.UUID
    email: str
    role: str


class Action(StrEnum):
    MANAGE_TEAM = "manage_team"
    COMPLETE_ONBOARDING = "complete_onboarding"
    SPEND_CREDITS = "spend_credits"
    TOP_UP = "top_up"
    PROVISION_NUMBER = "provision_number"
    MANAGE_PRODUCTS = "manage_products"
    PLACE_ORDER = "place_order"
    REFUND_ORDER = "refund_order"
    MANAGE_WEBHOOKS = "manage_webhooks"


_ALLOWED: dict[Action, frozenset[str]] = {
    Action.MANAGE_TEAM: frozenset({"owner", "admin"}),
    Action.COMPLETE_ONBOARDING: frozenset({"owner", "admin"}),
    Action.SPEND_CREDITS: frozenset({"owner", "admin"}),
    Action.TOP_UP: frozenset({"owner", "admin"}),
    Action.PROVISION_NUMBER: frozenset({"owner", "admin"}),
    Action.MANAGE_PRODUCTS: frozenset({"owner", "admin"}),
    Action.PLACE_ORDER: frozenset({"owner", "admin"}),
    Action.REFUND_ORDER: frozenset({"owner", "admin"}),
    Action.MANAGE_WEBHOOKS: frozenset({"owner", "admin"}),
}


class AccessPolicy:
    def allows(self, role: str, action: Action) -> bool:
        return role in _ALLOWED[action]

    def require(self, principal: Principal, action: Action) -> None:
        if not self.allows(principal.role, action):
            raise ApiError(403, "forbidden", "Your role does not allow you to do that.")
