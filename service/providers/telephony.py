"""The telephony provider: buys a local UK number (Twilio's REST shape, called with `requests`)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import requests

from service.providers import ProviderNotConfigured, ProviderUnavailable

log = logging.getLogger("service.telephony")

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class BoughtNumber:
    e164: str
    provider_reference: str


class TelephonyProvider:
    def __init__(self, api_url: str, account_sid: str, auth_token: str) -> None:
        self._api_url = api_url.rstrip("/")
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._session = requests.Session()

    def close(self) -> None:
        self._session.close()

    def check_configured(self) -> None:
        if not self._account_sid or not self._auth_token:
            raise ProviderNotConfigured("TELEPHONY_ACCOUNT_SID or TELEPHONY_AUTH_TOKEN is not set")

    def buy_number(self, label: str) -> BoughtNumber:
        """Buys the first available UK local number; raises ProviderUnavailable when nothing was
        bought. Whether the number it gave is usable is the caller's question (E164)."""
        self.check_configured()
        url = f"{self._api_url}/Accounts/{self._account_sid}/IncomingPhoneNumbers.json"
        try:
            response = self._session.post(
                url,
                data={"IsoCountry": "GB", "Type": "local", "FriendlyName": label},
                auth=(self._account_sid, self._auth_token),
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise ProviderUnavailable(
                f"the telephony provider could not be reached: {error}"
            ) from None
        if response.status_code >= 300:
            raise ProviderUnavailable(f"the telephony provider answered {response.status_code}")
        try:
            body = response.json()
            number, sid = str(body["phone_number"]), str(body["sid"])
        except (ValueError, KeyError, TypeError) as error:
            raise ProviderUnavailable(
                f"the telephony provider's answer was unusable: {error}"
            ) from None
        return BoughtNumber(number, sid)  # bought, even if its number is unusable (see E164)

    def release_number(self, provider_reference: str) -> None:
        """Gives a bought number back to the provider; raises ProviderUnavailable on failure."""
        url = (
            f"{self._api_url}/Accounts/{self._account_sid}"
            f"/IncomingPhoneNumbers/{provider_reference}.json"
        )
        try:
            response = self._session.delete(
                url, auth=(self._account_sid, self._auth_token), timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            raise ProviderUnavailable(
                f"the telephony provider could not be reached: {error}"
            ) from None
        if response.status_code >= 300 and response.status_code != 404:
            raise ProviderUnavailable(f"the telephony provider answered {response.status_code}")
