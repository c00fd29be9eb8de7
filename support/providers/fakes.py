"""Strict stand-ins for outside providers: planned answers only, every call recorded and shown.

The service under test runs in this process and calls providers through `requests`, so
`responses` answers for them. A call nobody planned gets no answer (a connection error inside
the service) and fails the scenario afterwards with a sentence naming the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import requests
import responses

from support.report.evidence import attach_json
from support.report.redaction import redact_data, redact_headers


def form_of(request: requests.PreparedRequest) -> dict[str, str]:
    """The form-encoded fields of a request to a provider (the payment API's encoding)."""
    body = request.body or ""
    body = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return dict(parse_qsl(body)) if "=" in body else {}


@dataclass(frozen=True)
class ProviderCall:
    method: str
    url: str
    headers: dict[str, str]
    form: dict[str, str]
    body: str
    answered: int | str | None  # the fake's status, or the failure it planned; None: unplanned

    def as_evidence(self) -> dict:
        return {
            "request": f"{self.method} {self.url}",
            "headers": dict(redact_headers(self.headers.items())),
            "form": redact_data(self.form),
            "answered": self.answered if self.answered is not None else "nothing planned",
        }


def _answer_of(response: object) -> int | str | None:
    if isinstance(response, requests.Response):
        return response.status_code
    if isinstance(response, requests.ConnectionError) and "Connection refused by Responses" in str(
        response
    ):
        return None  # `responses` found nothing planned for this call
    return f"{type(response).__name__} (planned)"


class ProviderFakes:
    """One per scenario: programmed by the provider-specific fakes, reset when it ends."""

    def __init__(self) -> None:
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def __repr__(self) -> str:
        return "<outside provider fakes>"

    def start(self) -> None:
        self.mock.start()

    def stop(self) -> None:
        self.mock.stop()
        self.mock.reset()

    def calls(self, url_prefix: str = "") -> list[ProviderCall]:
        found = []
        for call in self.mock.calls:
            request = call.request
            if not request.url.startswith(url_prefix):
                continue
            body = request.body or ""
            body = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            answered = _answer_of(call.response)
            found.append(
                ProviderCall(
                    method=request.method,
                    url=request.url.split("?")[0],
                    headers=dict(request.headers),
                    form=form_of(request),
                    body=body,
                    answered=answered,
                )
            )
        return found

    def attach(self, title: str, url_prefix: str = "") -> list[ProviderCall]:
        calls = self.calls(url_prefix)
        attach_json(f"{title} ({len(calls)} calls)", [c.as_evidence() for c in calls])
        return calls

    def unplanned(self) -> list[ProviderCall]:
        return [call for call in self.calls() if call.answered is None]

    def expect_nothing_unplanned(self) -> None:
        unplanned = self.unplanned()
        if unplanned:
            named = "; ".join(f"{c.method} {c.url}" for c in unplanned)
            raise AssertionError(
                f"The platform called an outside provider in a way this scenario did not plan "
                f"for: {named}."
            )


def plan_trouble(fake: object, trouble: str) -> None:
    """A provider fake's trouble, as a product owner names it: "is down", "does not answer"."""
    plans = {"is down": "is_down", "does not answer": "times_out"}
    if trouble not in plans:
        raise KeyError(f"No provider trouble called {trouble!r}; known: {', '.join(plans)}.")
    getattr(fake, plans[trouble])()
