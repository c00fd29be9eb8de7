"""Merchants for platform-wide scenarios: ones who used every part of it, and crowds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from support.builders.data import Builders
from support.drivers.abandonment import AbandonmentDriver
from support.drivers.accounts import Account, AccountsDriver
from support.drivers.onboarding import OnboardingDriver
from support.drivers.orders import OrdersDriver
from support.drivers.refunds import RefundsDriver
from support.drivers.wallet import WalletDriver
from support.drivers.webhooks import WebhooksDriver
from support.providers.email import EmailProviderFake
from support.providers.payments import PaymentProviderFake
from support.providers.receivers import MerchantReceivers
from support.providers.telephony import TelephonyProviderFake
from support.report.shown import ShownAs
from support.scenario.cast import Cast


@dataclass(frozen=True)
class LaterCapabilities:
    """The drivers and fakes of the capabilities that came after the wallet and phone numbers."""

    orders: OrdersDriver
    refunds: RefundsDriver
    webhooks: WebhooksDriver
    receivers: MerchantReceivers
    abandonment: AbandonmentDriver
    payments: PaymentProviderFake
    email: EmailProviderFake


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
        later: Callable[[], LaterCapabilities],
    ) -> None:
        self._cast = cast
        self._later = later
        self._made = 0
        self._accounts = accounts
        self._onboarding = onboarding
        self._wallet = wallet
        self._telephony = telephony
        self._build = build

    def merchant(self) -> Account:
        """Signed up, with a team member, wizard activity and a nudge for the payment step it
        left, finished onboarding, a webhook subscription with a delivery, a paid top-up, a
        charge with an idempotency key, a product, its order settings, a paid and refunded
        order, a dedicated phone number, and a top-up refunded in another currency (the wallet
        is held, the event kept for an operator). A capability that adds a table adds its use
        here."""
        later = self._later()  # only here: crowds need none of them (nor their fakes)
        self._made += 1
        merchant = self._cast.merchant()
        self._accounts.add_team_member(merchant, self._build.team_member(), "viewer")
        self._onboarding.report_activity(merchant, "wizard started", 0)
        later.email.accepts()
        viewed = later.abandonment.view_payment_step(merchant)
        later.abandonment.run(viewed + timedelta(hours=1))
        self._onboarding.complete(merchant, self._build.business_name(), self._build.category())
        receiver = later.receivers.of(f"merchant {self._made} everywhere")
        receiver.accepts()
        later.webhooks.subscribe(merchant, receiver.url, ["wallet top-ups"])
        self._wallet.fund(merchant, 1500)
        later.webhooks.run_worker([merchant])
        self._wallet.spend_keyed(merchant, 100, f"everywhere-{self._made}")
        later.payments.accepts_payment_intents()
        later.orders.set_reservation_window(merchant, 60)
        later.orders.add_product(merchant, "MUG-01", 1250, 5)
        placed = later.orders.place(merchant, [("MUG-01", 1)])
        later.payments.accepts_refunds()
        later.refunds.refund_order(merchant, placed)
        self._telephony.sells_numbers()
        self._wallet.provision_number(merchant)
        refunded = self._wallet.fund(merchant, 500)  # refunded in another currency: held
        self._wallet.events.deliver(self._wallet.payment_refunded(refunded, currency="eur"))
        return merchant

    def crowd_with_credits(self, count: int, credits: int) -> list[Account]:
        """`count` merchants, each with a wallet topped up with `credits`."""
        crowd = [self._cast.merchant() for _ in range(count)]
        for merchant in crowd:
            self._wallet.fund(merchant, credits)
        return crowd
