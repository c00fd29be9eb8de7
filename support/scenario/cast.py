"""The people in a scenario: the merchant under test and the other merchants around it."""

from __future__ import annotations

from support.builders.data import Builders
from support.checks.leaks import LeakContext
from support.drivers.accounts import Account, AccountsDriver
from support.drivers.onboarding import OnboardingDriver
from support.report.shown import ShownAs


class Cast(ShownAs):
    shown_as = "the merchants of this scenario"

    def __init__(
        self,
        accounts: AccountsDriver,
        onboarding: OnboardingDriver,
        build: Builders,
        leaks: LeakContext,
    ) -> None:
        self._accounts = accounts
        self._onboarding = onboarding
        self._build = build
        self._leaks = leaks

    def merchant(self) -> Account:
        """A freshly signed-up merchant owner, signed in. Its internal ids never belong in an
        error message either."""
        merchant = self._accounts.sign_up(self._build.merchant())
        self._leaks.hidden_ids.update({merchant.organisation_id, merchant.user_id})
        return merchant

    def other_merchant(self) -> Account:
        """Another merchant, signed up the same way; named apart so scenarios read plainly."""
        return self.merchant()

    def other_merchant_with_team_member(self) -> Account:
        member = self._accounts.add_team_member(
            self.other_merchant(), self._build.team_member(), "viewer"
        )
        self._leaks.hidden_ids.add(member.user_id)
        return member

    def other_merchant_done_with_onboarding(self) -> Account:
        other = self.other_merchant()
        self._onboarding.complete(other, self._build.business_name(), self._build.category())
        return other

    def view_only_member_of(self, owner: Account) -> Account:
        return self.member_of(owner, "viewer")

    def member_of(self, owner: Account, role: str) -> Account:
        return self._accounts.add_team_member(owner, self._build.team_member(), role)
