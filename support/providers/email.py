"""The email provider's fake, in its real API's shape (Postmark's batch endpoint)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import requests
import responses

from support.providers.fakes import ProviderFakes
from support.target.credentials import ProviderCredentials

INACTIVE_RECIPIENT = 406  # Postmark's code for an address it will not send to


@dataclass(frozen=True)
class SentEmail:
    """One message the platform asked the provider to send, and what the provider said (a
    message whose call got no answer counts as not accepted: the platform cannot know)."""

    to: str
    subject: str
    tag: str
    accepted: bool

    @property
    def number(self) -> int:
        """Which nudge it is (1, 2 or 3), from the tag the platform puts on it."""
        return int(self.tag.rsplit("-", 1)[-1])


class EmailProviderFake:
    """Programmed by intent: it accepts every message, refuses the messages to one address, or
    is down. Until something is planned, a call to it is unplanned and fails the scenario."""

    def __init__(self, fakes: ProviderFakes, credentials: ProviderCredentials) -> None:
        self._fakes = fakes
        self._url = f"{credentials.email_api_url}/email/batch"
        self._token = credentials.email_server_token
        self._planned = False
        self._down: str | None = None
        self._refused: set[str] = set()
        self.batches: list[list[SentEmail]] = []

    def __repr__(self) -> str:
        return "<email provider fake>"

    def _plan(self) -> None:
        if not self._planned:
            self._fakes.mock.add_callback(
                responses.POST, self._url, callback=self._answer, content_type=None
            )
            self._planned = True

    def accepts(self) -> None:
        """Accepts every message (again, after trouble)."""
        self._plan()
        self._down = None
        self._refused.clear()

    def refuses_messages_to(self, address: str) -> None:
        self._plan()
        self._refused.add(address.lower())

    def is_down(self) -> None:
        self._plan()
        self._down = "down"

    def times_out(self) -> None:
        self._plan()
        self._down = "time out"

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        headers = {"Content-Type": "application/json"}
        if request.headers.get("X-Postmark-Server-Token") != self._token:
            return 401, headers, json.dumps({"ErrorCode": 10, "Message": "Bad Server API token"})
        if self._down == "down":
            return 500, headers, json.dumps({"ErrorCode": 100, "Message": "Maintenance"})
        messages = json.loads(request.body or b"[]")
        batch, answers = [], []
        for message in messages:
            to = str(message.get("To", ""))
            accepted = to.lower() not in self._refused and self._down is None
            subject, tag = message.get("Subject", ""), message.get("Tag", "")
            batch.append(SentEmail(to, subject, tag, accepted))
            answers.append(_accepted(to) if accepted else _refused(to))
        self.batches.append(batch)  # a batch that gets no answer was still asked for
        if self._down == "time out":
            raise requests.exceptions.ReadTimeout("the email provider did not answer in time")
        return 200, headers, json.dumps(answers)

    def attach_calls(self) -> None:
        self._fakes.attach("Calls to the email provider", self._url)

    def sent_to(self, address: str) -> list[SentEmail]:
        """Messages to this address the provider accepted, in the order asked."""
        self.attach_calls()
        return [
            email
            for batch in self.batches
            for email in batch
            if email.accepted and email.to.lower() == address.lower()
        ]

    def asked_to(self, address: str) -> list[SentEmail]:
        """Every message to this address the provider was asked for, accepted or not."""
        self.attach_calls()
        return [e for batch in self.batches for e in batch if e.to.lower() == address.lower()]

    def batches_with(self, addresses: set[str]) -> list[list[SentEmail]]:
        """The calls that carried a message to any of these addresses."""
        self.attach_calls()
        wanted = {a.lower() for a in addresses}
        return [b for b in self.batches if any(e.to.lower() in wanted for e in b)]


def _accepted(to: str) -> dict:
    return {
        "To": to,
        "SubmittedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "MessageID": str(uuid.uuid4()),
        "ErrorCode": 0,
        "Message": "OK",
    }


def _refused(to: str) -> dict:
    return {
        "ErrorCode": INACTIVE_RECIPIENT,
        "Message": f"You tried to send to recipient(s) that have been marked as inactive: {to}.",
    }
