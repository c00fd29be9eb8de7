"""Merchants' webhook endpoints: posts a delivery signed as the Standard Webhooks specification
says, with the official `standardwebhooks` package, and reports what the endpoint answered."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from standardwebhooks.webhooks import Webhook

TIMEOUT_SECONDS = 10
SECRET_BYTES = 32
ANSWER_KEPT_CHARACTERS = 200  # of an endpoint's answer, enough to tell the merchant why


@dataclass(frozen=True)
class EndpointAnswer:
    status_code: int | None  # None: no answer at all (timeout, refused connection)
    summary: str

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def new_secret() -> str:
    """A signing secret in the specification's form: `whsec_` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


class MerchantEndpoints:
    def post(self, url: str, message_id: str, body: str, secret: str) -> EndpointAnswer:
        """One attempt. Signed with the real time of sending (what the merchant's verifier
        compares with its clock), whatever "now" the worker was given for its schedule."""
        sent_at = datetime.now(UTC)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": self._signature(secret, message_id, sent_at, body),
        }
        try:
            response = requests.post(
                url,
                data=body.encode("utf-8"),
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,  # a redirect could point anywhere, also inside
            )
        except requests.Timeout:
            return EndpointAnswer(None, f"no answer within {TIMEOUT_SECONDS} seconds")
        except requests.RequestException as error:
            return EndpointAnswer(None, f"could not connect ({type(error).__name__})")
        summary = f"{response.status_code} {response.text[:ANSWER_KEPT_CHARACTERS]}".strip()
        return EndpointAnswer(response.status_code, summary)

    def _signature(self, secret: str, message_id: str, sent_at: datetime, body: str) -> str:
        return Webhook(secret).sign(message_id, sent_at, body)
