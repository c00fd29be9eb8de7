"""Merchants for platform-wide scenarios: ones who used every part of it, and crowds."""

from __future__ import annotations

from support.builders.data import Builders
from support.drivers.accounts import Account, AccountsDriver
from support.drivers.onboarding import OnboardingDriver
from support.drivers.wallet import WalletDriver
from support.providers.telephony import TelephonyProviderFake
from support.report.shown import ShownAs
from support.scenario.cast import Cast


class MerchantsEverywhere(ShownAs):
    shown_as = "merchants who have used every part of the platform"

    def __init__(
        self,
        cast: Cast,
        accounts: AccountsDriver,
        onboarding: OnboardingDriver,
        wallet: WalletDriver,
        telephony: TelephonyProviderFake,
        build: Builders,
    ) -> None:
        self._cast = cast
        self._accounts = accounts
        self._onboarding = onboarding
        self._wallet = wallet
        self._telephony = telephony
        self._build = build

    def merchant(self) -> Account:
        """Signed up, with a team member, wizard activity, finished onboarding, a paid top-up,
        a charge and a dedicated phone number. A capability that adds a table adds its use here."""
        merchant = self._cast.merchant()
        self._accounts.add_team_member(merchant, self._build.team_member(), "viewer")
        self._onboarding.report_activity(merchant, "wizard started", 0)
        self._onboarding.complete(merchant, self._build.business_name(), self._build.category())
        self._wallet.fund(merchant, 1500)
        self._wallet.spend(merchant, 100, "Call minutes")
        self._telephony.sells_numbers()
        self._wallet.provision_number(merchant)
        return merchant

    def crowd_with_credits(self, count: int, credits: int) -> list[Account]:
        """`count` merchants, each with a wallet topped up with `credits`."""
        crowd = [self._cast.merchant() for _ in range(count)]
        for merchant in crowd:
            self._wallet.fund(merchant, credits)
        return crowd
