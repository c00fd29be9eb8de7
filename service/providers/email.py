"""The email provider: sends many messages in one call (Postmark's batch API, with `requests`).

Postmark was chosen over SendGrid's v3 mail/send because its batch endpoint answers per
message (accepted with a message id, or refused with an error code), in the order sent: one
merchant's refused address is told apart from the others' accepted messages in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from service.providers import ProviderNotConfigured, ProviderOutcomeUnknown, ProviderUnavailable

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    tag: str


@dataclass(frozen=True)
class Outcome:
    """The provider's answer for one message: its id when accepted, its reason when refused."""

    message_id: str | None
    refusal: str | None = None

    @property
    def accepted(self) -> bool:
        return self.refusal is None


class EmailProvider:
    def __init__(self, api_url: str, server_token: str, sender: str) -> None:
        self._url = f"{api_url.rstrip('/')}/email/batch"
        self._token = server_token
        self._sender = sender
        self._session = requests.Session()

    def close(self) -> None:
        self._session.close()

    def check_configured(self) -> None:
        if not self._token:
            raise ProviderNotConfigured("EMAIL_SERVER_TOKEN is not set")

    def send_batch(self, messages: list[Message]) -> list[Outcome]:
        """One call for the whole batch. Raises ProviderUnavailable when the provider could not be
        reached or answered with an error (nothing was sent), and ProviderOutcomeUnknown when the
        batch was sent but no answer came in time (the provider may have sent the messages)."""
        self.check_configured()
        body = [
            {
                "From": self._sender,
                "To": message.to,
                "Subject": message.subject,
                "TextBody": message.text,
                "Tag": message.tag,
                "MessageStream": "outbound",
            }
            for message in messages
        ]
        try:
            response = self._session.post(
                self._url,
                json=body,
                headers={"Accept": "application/json", "X-Postmark-Server-Token": self._token},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.ReadTimeout:
            raise ProviderOutcomeUnknown(
                f"the email provider did not answer within {TIMEOUT_SECONDS} s"
            ) from None
        except requests.RequestException as error:
            raise ProviderUnavailable(f"the email provider could not be reached: {error}") from None
        if response.status_code != 200:
            raise ProviderUnavailable(f"the email provider answered {response.status_code}")
        try:
            answers = response.json()
            outcomes = [_outcome(answer) for answer in answers]
        except (ValueError, KeyError, TypeError) as error:
            raise ProviderUnavailable(
                f"the email provider's answer was unusable: {error}"
            ) from None
        if len(outcomes) != len(messages):
            raise ProviderUnavailable(
                f"the email provider answered for {len(outcomes)} of {len(messages)} messages"
            )
        return outcomes


def _outcome(answer: dict) -> Outcome:
    if int(answer["ErrorCode"]) == 0:
        return Outcome(str(answer["MessageID"]))
    return Outcome(None, f"{answer['ErrorCode']}: {answer.get('Message', '')}".strip())
