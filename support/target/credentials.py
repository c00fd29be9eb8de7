"""The outside providers' credentials the suite gives the in-process service (made per process).

The fakes answer for these accounts only, the signer signs with this webhook secret, and all of
them are registered as secrets, so that no report can show them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

from support.report.redaction import SECRETS

TELEPHONY_API = "https://api.twilio.com/2010-04-01"


@dataclass(frozen=True)
class ProviderCredentials:
    payments_api_key: str = field(repr=False)
    payments_webhook_secret: str = field(repr=False)
    telephony_account_sid: str
    telephony_auth_token: str = field(repr=False)
    telephony_api_url: str = TELEPHONY_API

    @classmethod
    def new(cls) -> ProviderCredentials:
        made = cls(
            payments_api_key=f"sk_test_{secrets.token_hex(24)}",
            payments_webhook_secret=f"whsec_{secrets.token_hex(24)}",
            telephony_account_sid=f"AC{secrets.token_hex(16)}",
            telephony_auth_token=secrets.token_hex(16),
        )
        for secret in (made.payments_api_key, made.payments_webhook_secret):
            SECRETS.add(secret)
        SECRETS.add(made.telephony_auth_token)
        return made

    def without_telephony(self) -> ProviderCredentials:
        """The same platform, deployed without its telephony account's credentials."""
        return replace(self, telephony_account_sid="", telephony_auth_token="")

    def as_settings(self) -> dict[str, str]:
        return {
            "payments_api_key": self.payments_api_key,
            "payments_webhook_secret": self.payments_webhook_secret,
            "telephony_api_url": self.telephony_api_url,
            "telephony_account_sid": self.telephony_account_sid,
            "telephony_auth_token": self.telephony_auth_token,
        }
