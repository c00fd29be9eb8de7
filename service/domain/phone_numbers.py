"""The merchant's dedicated phone number: paid from the wallet, charged atomically."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from service.core.db import Database
from service.core.errors import ApiError
from service.domain.rules import PHONE_NUMBER_PRICE_PENCE
from service.domain.wallet import spending_refused
from service.providers import ProviderNotConfigured, ProviderUnavailable
from service.providers.telephony import E164, BoughtNumber, TelephonyProvider
from service.stores.wallet import PhoneNumber, WalletStore

log = logging.getLogger("service.domain.phone_numbers")

# Advisory lock class for "this merchant's number is being provisioned" (the second key is
# the organisation's hash): a racing second request waits, then finds the number. A literal
# within PostgreSQL's int range (the key it always was, 7_305_120_452 % 2**31): computed at run
# time, a mutation tool's `%` -> `**` would ask Python for a number of gigabytes.
PROVISIONING_LOCK = 862_669_508
NOT_CHARGED = "You have not been charged."


class PhoneNumbers:
    def __init__(self, store: WalletStore, telephony: TelephonyProvider, db: Database) -> None:
        self.store = store
        self.telephony = telephony
        self.db = db

    def provision(self, org_id: uuid.UUID) -> tuple[PhoneNumber, bool]:
        """The merchant's number, bought now (True) or already theirs (False)."""
        existing = self.store.phone_number(org_id)
        if existing is not None:
            return existing, False
        self._check_configured()
        with self._exclusive(org_id):
            existing = self.store.phone_number(org_id)
            if existing is not None:
                return existing, False
            reference = f"phone_number:{uuid.uuid4()}"
            self._charge(org_id, reference)
            bought: BoughtNumber | None = None
            try:
                bought = self._buy(org_id)
                if not self._international(bought.e164):
                    raise ProviderUnavailable("the provider gave a number not in E.164 form")
                number = self.store.save_phone_number(
                    org_id, bought.e164, bought.provider_reference
                )
            except Exception as error:
                # The kind of error too: a database that timed out reads very differently in
                # the log from a provider that refused, though both answer the merchant alike.
                log.warning(
                    "Provisioning a number failed after the charge (%s): %s",
                    type(error).__name__,
                    error,
                )
                if bought is not None:
                    self._release(bought)
                self._refund(org_id, reference)
                raise ApiError(
                    502,
                    "provider_error",
                    f"We could not get a phone number from our provider. {NOT_CHARGED}",
                ) from None
            return number, True

    @staticmethod
    def _international(number: str) -> bool:
        """In E.164 form: a plus sign and 8 to 15 digits, the first not 0."""
        return bool(E164.match(number))

    def _check_configured(self) -> None:
        try:
            self.telephony.check_configured()
        except ProviderNotConfigured as error:
            log.error("Phone numbers cannot be provisioned: %s", error)
            raise ApiError(
                503,
                "provider_unavailable",
                f"Phone numbers are not available right now. {NOT_CHARGED}",
            ) from None

    @contextmanager
    def _exclusive(self, org_id: uuid.UUID) -> Iterator[None]:
        # Not a pooled connection: the lock is held over the provider call, and the charge and
        # the save inside it need the pool (ten merchants at once would otherwise exhaust it).
        with self.db.exclusive(PROVISIONING_LOCK, str(org_id)):
            yield

    def _charge(self, org_id: uuid.UUID, reference: str) -> None:
        """Checks the balance and takes the price in one step, before any provider call."""
        balance = self.store.charge(
            org_id, PHONE_NUMBER_PRICE_PENCE, "Dedicated phone number", reference
        )
        if balance is None:
            raise spending_refused(self.store, org_id, PHONE_NUMBER_PRICE_PENCE)

    def _buy(self, org_id: uuid.UUID) -> BoughtNumber:
        return self.telephony.buy_number(f"merchant {org_id}")

    def _release(self, bought: BoughtNumber) -> None:
        """A number we bought but cannot give the merchant goes back, or we pay for it forever."""
        try:
            self.telephony.release_number(bought.provider_reference)
        except Exception as error:
            log.error(
                "The number %s (%s) was bought but could not be released: %s",
                bought.e164,
                bought.provider_reference,
                error,
            )

    def _refund(self, org_id: uuid.UUID, reference: str) -> None:
        self.store.refund(
            org_id,
            PHONE_NUMBER_PRICE_PENCE,
            "Refund: the phone number could not be provisioned",
            reference,
        )
