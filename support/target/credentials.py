"""The outside providers' credentials the suite gives the in-process service (made per process).

The fakes answer for these accounts only, the signer signs with this webhook secret, and all of
them are registered as secrets, so that no report can show them.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field, replace

from support.report.redaction import SECRETS

TELEPHONY_API = "https://api.twilio.com/2010-04-01"
EMAIL_API = "https://api.postmarkapp.com"


@dataclass(frozen=True)
class ProviderCredentials:
    payments_api_key: str = field(repr=False)
    payments_webhook_secret: str = field(repr=False)
    telephony_account_sid: str
    telephony_auth_token: str = field(repr=False)
    telephony_api_url: str = TELEPHONY_API
    email_server_token: str = field(default="", repr=False)
    email_api_url: str = EMAIL_API
    # Not a provider's: the token with which the suite, as the platform's operator, runs jobs
    # on demand (the checkout abandonment job) in the deployment it starts.
    operator_token: str = field(default="", repr=False)

    @classmethod
    def new(cls) -> ProviderCredentials:
        made = cls(
            payments_api_key=f"sk_test_{secrets.token_hex(24)}",
            payments_webhook_secret=f"whsec_{secrets.token_hex(24)}",
            telephony_account_sid=f"AC{secrets.token_hex(16)}",
            telephony_auth_token=secrets.token_hex(16),
            email_server_token=str(uuid.uuid4()),
            operator_token=f"op_{secrets.token_urlsafe(32)}",
        )
        SECRETS.add(made.email_server_token)
        SECRETS.add(made.operator_token)
        for secret in (made.payments_api_key, made.payments_webhook_secret):
            SECRETS.add(secret)
        SECRETS.add(made.telephony_auth_token)
        return made

    def without_telephony(self) -> ProviderCredentials:
        """The same platform, deployed without its telephony account's credentials."""
        return replace(self, telephony_account_sid="", telephony_auth_token="")

    def without_payments(self) -> ProviderCredentials:
        """The same platform, deployed without its payment provider account's credentials."""
        return replace(self, payments_api_key="", payments_webhook_secret="")

    def as_settings(self) -> dict[str, str]:
        return {
            "payments_api_key": self.payments_api_key,
            "payments_webhook_secret": self.payments_webhook_secret,
            "telephony_api_url": self.telephony_api_url,
            "telephony_account_sid": self.telephony_account_sid,
            "telephony_auth_token": self.telephony_auth_token,
            "email_api_url": self.email_api_url,
            "email_server_token": self.email_server_token,
            "operator_token": self.operator_token,
        }
