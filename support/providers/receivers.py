"""Merchants' webhook endpoints, faked strictly: each one answers as its scenario planned
("accepts", with 200 or another success status, "is down", "redirects", "refuses connections",
"answers after 12 seconds", fails a number of times first), and every post it received is kept
to be verified as the merchant would."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import requests
import responses

from support.providers.fakes import ProviderFakes

# Reserved for tests (RFC 2606); the suite's own deployment accepts it without resolving it.
DOMAIN = "webhooks.test"


@dataclass(frozen=True)
class ReceivedPost:
    """One post as the merchant's endpoint saw it, and what the endpoint did."""

    url: str
    headers: dict[str, str]
    body: str
    answered: str

    def __repr__(self) -> str:
        return f"<post to {self.url}: {self.answered}>"


class MerchantEndpointFake:
    """One merchant endpoint (its own made-up https URL). Until planned, a post to it is an
    unplanned call that fails the scenario."""

    def __init__(self, fakes: ProviderFakes, name: str) -> None:
        self._fakes = fakes
        self.url = f"https://{name}-{uuid.uuid4().hex[:8]}.{DOMAIN}/hooks"
        self._plan: list[str] = []  # answers still to give, in order; the last one repeats
        self._answer_after_seconds = 0.0
        self._success_status = 200
        self.received: list[ReceivedPost] = []

    def __repr__(self) -> str:
        return f"<merchant endpoint {self.url}>"

    def _planned(self, *answers: str) -> None:
        if not self._plan:
            self._fakes.mock.add_callback(
                responses.POST, self.url, callback=self._answer, content_type=None
            )
        self._plan = list(answers)

    def accepts(self) -> None:
        self._planned("accept")

    def is_down(self) -> None:
        self._planned("down")

    def refuses_connections(self) -> None:
        self._planned("refuse")

    def answers_after(self, seconds: float) -> None:
        """Answers (accepting) only after `seconds`: if that is longer than the platform waits,
        the platform sees a timeout (as it would; the fake does not make the suite wait)."""
        self._answer_after_seconds = seconds
        self._planned("slow")

    def accepts_after_a_moment(self, seconds: float) -> None:
        """Accepts, after really taking `seconds` (short): long enough for two workers racing
        for the same delivery to overlap."""
        self._answer_after_seconds = seconds
        self._planned("moment")

    def accepts_answering(self, status: int) -> None:
        """Takes every delivery, answering with this success status (201, 202, 204, ...)."""
        self._success_status = status
        self._planned("accept")

    def redirects(self) -> None:
        """Answers every delivery by sending it elsewhere (a redirect), taking nothing."""
        self._planned("redirect")

    def fails_then_accepts(self, failures: int) -> None:
        self._planned(*(["down"] * failures), "accept")

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        plan = self._plan[0] if len(self._plan) == 1 else self._plan.pop(0)
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else request.body
        headers = {"Content-Type": "application/json"}
        outcome = {
            "accept": f"{self._success_status} accepted",
            "redirect": "302 redirected",
            "moment": "200 accepted (after a moment)",
            "down": "503 unavailable",
            "refuse": "refused",
        }
        if plan == "slow":
            waited = (request.req_kwargs or {}).get("timeout")
            waited = waited[1] if isinstance(waited, tuple) else waited
            too_slow = waited is not None and waited < self._answer_after_seconds
            outcome["slow"] = "timed out" if too_slow else "200 accepted (slowly)"
        self.received.append(
            ReceivedPost(request.url, dict(request.headers), body or "", outcome[plan])
        )
        if plan == "moment":
            time.sleep(self._answer_after_seconds)
        if plan == "down":
            return 503, headers, json.dumps({"error": "temporarily unavailable"})
        if plan == "redirect":
            return 302, {**headers, "Location": "https://elsewhere.example/hooks"}, ""
        if plan == "refuse":
            raise requests.exceptions.ConnectionError("connection refused by the merchant's host")
        if plan == "slow" and outcome["slow"] == "timed out":
            raise requests.exceptions.ReadTimeout("the merchant's endpoint did not answer in time")
        status = self._success_status if plan == "accept" else 200
        return status, headers, "" if status == 204 else json.dumps({"received": True})


class MerchantReceivers:
    """The receivers of one scenario, one per merchant, made on first mention."""

    def __init__(self, fakes: ProviderFakes) -> None:
        self._fakes = fakes
        self._made: dict[str, MerchantEndpointFake] = {}

    def __repr__(self) -> str:
        return "<merchants' receivers>"

    def of(self, whose: str) -> MerchantEndpointFake:
        if whose not in self._made:
            self._made[whose] = MerchantEndpointFake(self._fakes, whose.replace(" ", "-"))
        return self._made[whose]
