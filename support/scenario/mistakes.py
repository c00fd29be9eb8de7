"""Things a merchant can get wrong, by their product-language names, each made for real."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from support.builders import tokens
from support.builders.data import Builders
from support.drivers.accounts import Account, AccountsDriver
from support.drivers.onboarding import OnboardingDriver
from support.drivers.platform import PlatformDriver
from support.report.shown import ShownAs

GARBLED_REPORT = b'{"event_name": "step_viewed", "step_index": '

# The mistakes scenarios can name; each is made for real by Mistakes.make.
MISTAKES = (
    "reports wizard activity the wizard does not know",
    "reports wizard activity at step 7",
    "sends a garbled activity report",
    "completes onboarding with a business name that is not text",
    "asks for a page that does not exist",
    "looks up the other merchant's team member",
    "tries to sign in with a wrong password",
    "uses an expired access token",
)


class Mistakes(ShownAs):
    shown_as = "mistakes a merchant can make"

    def __init__(
        self,
        accounts: AccountsDriver,
        onboarding: OnboardingDriver,
        platform: PlatformDriver,
        build: Builders,
        token_secret: Callable[[], str],
    ) -> None:
        self._accounts = accounts
        self._onboarding = onboarding
        self._platform = platform
        self._build = build
        self._token_secret = token_secret

    def make(self, mistake: str, merchant: Account, other_member: Account) -> httpx.Response:
        ways: dict[str, Callable[[], httpx.Response]] = {
            "reports wizard activity the wizard does not know": lambda: (
                self._onboarding.try_report_activity(merchant, "coupon applied", 1)
            ),
            "reports wizard activity at step 7": lambda: self._onboarding.try_report_activity(
                merchant, "step viewed", 7
            ),
            "sends a garbled activity report": lambda: self._onboarding.try_send_raw_report(
                merchant, GARBLED_REPORT
            ),
            "completes onboarding with a business name that is not text": lambda: (
                self._onboarding.try_complete(merchant, {"name": ["not", "text"]})
            ),
            "asks for a page that does not exist": self._platform.try_unknown_page,
            "looks up the other merchant's team member": lambda: (
                self._accounts.try_view_team_member(merchant, other_member.user_id)
            ),
            "tries to sign in with a wrong password": lambda: self._accounts.try_sign_in(
                merchant.email, self._build.password()
            ),
            "uses an expired access token": lambda: self._accounts.try_own_account(
                tokens.expired(
                    merchant.user_id, merchant.organisation_id, merchant.role, self._token_secret()
                )
            ),
        }
        assert set(ways) == set(MISTAKES), "every named mistake has exactly one way to make it"
        if mistake not in ways:
            raise KeyError(f"No way to make the mistake {mistake!r}; known: {', '.join(ways)}.")
        return ways[mistake]()
