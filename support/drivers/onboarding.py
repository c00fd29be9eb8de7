"""Onboarding driver: wizard activity, the "still needs onboarding?" question, and completion."""

from __future__ import annotations

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.drivers.accounts import Account
from support.drivers.base import insist
from support.report.shown import ShownAs

# The wizard's activities as a product owner names them, and as the platform receives them.
WIZARD_ACTIVITIES = {
    "wizard started": "wizard_started",
    "step viewed": "step_viewed",
    "step completed": "step_completed",
    "payment viewed": "payment_viewed",
    "payment succeeded": "payment_succeeded",
    "wizard completed": "wizard_completed",
}


def wire_name(activity: str) -> str:
    """The platform's name for an activity; unknown activities pass through unchanged."""
    return WIZARD_ACTIVITIES.get(activity, activity.replace(" ", "_"))


class OnboardingDriver(ShownAs):
    shown_as = "onboarding driver"

    def __init__(self, api: ApiClient) -> None:
        self._api = api

    def try_report_activity(
        self, account: Account | None, activity: str, step: object
    ) -> httpx.Response:
        body = {"event_name": wire_name(activity), "step_index": step}
        token = account.token if account else None
        return self._api.request("POST", paths.ONBOARDING_EVENTS, token=token, json=body)

    def try_send_raw_report(self, account: Account, raw: bytes) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        return self._api.request(
            "POST", paths.ONBOARDING_EVENTS, token=account.token, content=raw, headers=headers
        )

    def report_activity(self, account: Account, activity: str, step: int) -> dict:
        return insist(
            self.try_report_activity(account, activity, step), 202, f"accept '{activity}'"
        )

    def try_status(self, account: Account | None) -> httpx.Response:
        token = account.token if account else None
        return self._api.request("GET", paths.ONBOARDING_STATUS, token=token)

    def needs_onboarding(self, account: Account) -> bool:
        answer = insist(self.try_status(account), 200, "say whether onboarding is needed")
        return answer["needs_onboarding"]

    def try_complete(
        self,
        account: Account | None,
        business_name: object = None,
        category: object = None,
    ) -> httpx.Response:
        body = {
            key: value
            for key, value in (("business_name", business_name), ("category", category))
            if value is not None
        }
        token = account.token if account else None
        return self._api.request("POST", paths.ONBOARDING_COMPLETE, token=token, json=body)

    def complete(
        self, account: Account, business_name: str | None = None, category: str | None = None
    ) -> dict:
        return insist(
            self.try_complete(account, business_name, category), 200, "complete onboarding"
        )

    def try_as_anonymous(self, action: str) -> httpx.Response:
        """An onboarding action, by its product-language name, without signing in."""
        actions = {
            "report wizard activity": lambda: self.try_report_activity(None, "step viewed", 1),
            "ask whether onboarding is needed": lambda: self.try_status(None),
            "complete onboarding": lambda: self.try_complete(None),
            "get a dedicated phone number": lambda: self._api.request(
                "POST", paths.ONBOARDING_PROVISION_NUMBER
            ),
        }
        if action not in actions:
            raise KeyError(f"No onboarding action called {action!r}; known: {', '.join(actions)}.")
        return actions[action]()
