"""Defects of the dedicated phone number: charging, the provider call, refunds, races."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from service.defects.base import Defect
from service.domain.phone_numbers import PROVISIONING_LOCK, PhoneNumbers
from service.providers.telephony import BoughtNumber
from service.stores.wallet import (
    PhoneNumber,
    WalletStore,
)


class BalanceCheckedAfterProviderCall(PhoneNumbers):
    def provision(self, org_id: uuid.UUID) -> tuple[PhoneNumber, bool]:
        existing = self.store.phone_number(org_id)
        if existing is not None:
            return existing, False
        self._check_configured()
        bought = self._buy(org_id)  # the number is bought first ...
        self._charge(org_id, f"phone_number:{uuid.uuid4()}")  # ... then the balance is checked
        return self.store.save_phone_number(org_id, bought.e164, bought.provider_reference), True


class NoRefundWhenProviderFails(PhoneNumbers):
    def _refund(self, org_id: uuid.UUID, reference: str) -> None:
        return None


class ProvisioningRaceChargesTwice(PhoneNumbers):
    @contextmanager
    def _exclusive(self, org_id: uuid.UUID) -> Iterator[None]:
        yield


class MissingCredentialsCharge(PhoneNumbers):
    def _check_configured(self) -> None:
        return None


class NumberNotRecorded(WalletStore):
    def save_phone_number(
        self, org_id: uuid.UUID, e164: str, provider_reference: str
    ) -> PhoneNumber:
        return PhoneNumber(e164, datetime.now(UTC))


class BoughtNumberNotReleased(PhoneNumbers):
    def _release(self, bought: BoughtNumber) -> None:
        return None


class ProvisioningLockHeldInPool(PhoneNumbers):
    """The lock as it once was: a pooled connection held over the provider call."""

    @contextmanager
    def _exclusive(self, org_id: uuid.UUID) -> Iterator[None]:
        with self.db.tenant(org_id) as conn:
            conn.execute(
                "select pg_advisory_xact_lock(%s::int, hashtext(%s))",
                (PROVISIONING_LOCK, str(org_id)),
            )
            yield


class LongestNumberRefused(PhoneNumbers):
    @staticmethod
    def _international(number: str) -> bool:
        return bool(re.fullmatch(r"\+[1-9][0-9]{7,13}", number))


DEFECTS: dict[str, Defect] = {
    "longest_number_refused": Defect(
        "A number of 15 digits, the longest an international number has, is given back.",
        "phone_numbers",
        LongestNumberRefused,
    ),
    "balance_checked_after_provider_call": Defect(
        "A phone number is bought from the provider before the balance is checked.",
        "phone_numbers",
        BalanceCheckedAfterProviderCall,
    ),
    "no_refund_when_provider_fails": Defect(
        "When the telephony provider fails after the charge, the merchant is not refunded.",
        "phone_numbers",
        NoRefundWhenProviderFails,
    ),
    "provisioning_race_charges_twice": Defect(
        "Two phone number requests at once both charge the wallet.",
        "phone_numbers",
        ProvisioningRaceChargesTwice,
    ),
    "missing_credentials_charge": Defect(
        "Without telephony credentials the wallet is charged before the request fails.",
        "phone_numbers",
        MissingCredentialsCharge,
    ),
    "number_not_recorded": Defect(
        "A bought phone number is charged for but not recorded as the merchant's.",
        "phone_numbers.store",
        NumberNotRecorded,
    ),
    "bought_number_not_released": Defect(
        "A number bought but not given to the merchant is kept (and paid for) at the provider.",
        "phone_numbers",
        BoughtNumberNotReleased,
    ),
    "provisioning_lock_held_in_pool": Defect(
        "Provisioning holds a pooled connection for its lock over the provider call, so many "
        "merchants at once exhaust the pool.",
        "phone_numbers",
        ProvisioningLockHeldInPool,
    ),
}
