"""Checkout abandonment driver: merchants viewing the payment step, and the operator running
the nudge job with an explicit "now" over this scenario's merchants only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from support.clients import paths
from support.clients.api import ApiClient
from support.clients.database import Database
from support.drivers.accounts import Account
from support.drivers.base import insist
from support.drivers.onboarding import OnboardingDriver
from support.report.shown import ShownAs

PAYMENT_STEP = 3
_DURATION = re.compile(r"^(?:(?P<hours>\d+) hours?)?\s*(?:(?P<minutes>\d+) minutes?)?$")


def duration(text: str) -> timedelta:
    """ "23 hours 59 minutes", "1 hour", "59 minutes" as a time span."""
    match = _DURATION.match(text.strip())
    if not match or not text.strip():
        raise ValueError(f"{text!r} is not a time span like '1 hour' or '23 hours 59 minutes'.")
    return timedelta(hours=int(match["hours"] or 0), minutes=int(match["minutes"] or 0))


class AbandonmentDriver(ShownAs):
    """Runs are always scoped to the merchants this scenario saw view the payment step, so
    that scenarios running at the same time never nudge each other's merchants."""

    shown_as = "checkout abandonment driver"

    def __init__(
        self,
        api: ApiClient,
        onboarding: OnboardingDriver,
        database: Database,
        operator_token: Callable[[], str],
        on_run: Callable[[int], None],
    ) -> None:
        self._api = api
        self._onboarding = onboarding
        self._database = database
        self._operator_token = operator_token
        self._on_run = on_run  # so that the run's record is removed when the scenario ends
        self.viewed: dict[str, datetime] = {}  # organisation -> its latest payment view
        self.first_viewed: dict[str, datetime] = {}

    def view_payment_step(self, account: Account) -> datetime:
        """The merchant's wizard shows the payment step; returns the time the platform
        recorded for it (read back, so that "1 hour later" is exactly an hour later)."""
        self._onboarding.report_activity(account, "payment viewed", PAYMENT_STEP)
        rows = self._database.read(
            "when the platform recorded the merchant's latest payment view",
            "select max(created_at) as viewed_at from onboarding_events"
            " where org_id = %s and event_name = 'payment_viewed'",
            (account.organisation_id,),
        )
        self.viewed[account.organisation_id] = rows[0]["viewed_at"]
        self.first_viewed.setdefault(account.organisation_id, rows[0]["viewed_at"])
        return rows[0]["viewed_at"]

    def pay(self, account: Account) -> None:
        self._onboarding.report_activity(account, "payment succeeded", PAYMENT_STEP)

    def time_after_view(self, account: Account, wait: str, first: bool = False) -> datetime:
        """`wait` after the merchant's latest (or first) view of the payment step."""
        views = self.first_viewed if first else self.viewed
        if account.organisation_id not in views:
            raise AssertionError("The scenario never had this merchant view the payment step.")
        return views[account.organisation_id] + duration(wait)

    def _body(self, now: object, scope: list[str] | None) -> dict[str, Any]:
        chosen = scope if scope is not None else list(self.viewed)
        if not chosen:
            # Without a scope the job covers every merchant, other scenarios' too.
            raise AssertionError("A scenario runs the job only over merchants it signed up.")
        if now is None:  # an operator who forgot to say what time it is
            return {"organisation_ids": chosen}
        return {
            "now": now.isoformat() if isinstance(now, datetime) else now,
            "organisation_ids": chosen,
        }

    def try_run(
        self, now: object, scope: list[str] | None = None, token: str | None = None
    ) -> httpx.Response:
        """A run at `now` (None: no moment given) over this scenario's merchants (or `scope`), as
        the operator (or with another `token`)."""
        response = self._api.request(
            "POST",
            paths.ABANDONMENT_RUNS,
            token=token if token is not None else self._operator_token(),
            json=self._body(now, scope),
        )
        self._note_run(response)
        return response

    def run(self, now: datetime) -> dict[str, Any]:
        return insist(self.try_run(now), 201, "run the checkout abandonment job")

    def run_together(self, now: datetime, count: int) -> list[dict[str, Any]]:
        """`count` runs released at the same instant, as on several workers."""
        body = self._body(now, None)
        responses = self._api.request_together(
            "POST",
            paths.ABANDONMENT_RUNS,
            count,
            token=self._operator_token(),
            bodies=[body] * count,
        )
        for response in responses:
            self._note_run(response)
        return [insist(r, 201, "run the checkout abandonment job") for r in responses]

    def run_record(self, run_id: int) -> dict[str, Any]:
        response = self._api.request(
            "GET", paths.abandonment_run(run_id), token=self._operator_token()
        )
        return insist(response, 200, "show what the run did")

    def _note_run(self, response: httpx.Response) -> None:
        if response.status_code == 201:
            self._on_run(response.json()["id"])
