"""The telephony provider's fake: sells UK numbers in its real API's shape (Twilio's REST API)."""

from __future__ import annotations

import json
import re
import time
import uuid

import requests
import responses

from support.providers.fakes import ProviderCall, ProviderFakes
from support.target.credentials import ProviderCredentials

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


class TelephonyProviderFake:
    """Programmed by intent: it sells numbers (perhaps slowly), is down, or times out."""

    def __init__(self, fakes: ProviderFakes, credentials: ProviderCredentials) -> None:
        self._fakes = fakes
        self._api = credentials.telephony_api_url
        self._buy_url = re.compile(
            re.escape(f"{self._api}/Accounts/") + r"[^/]*" + re.escape("/IncomingPhoneNumbers.json")
        )
        self._release_url = re.compile(
            re.escape(f"{self._api}/Accounts/")
            + r"[^/]*"
            + re.escape("/IncomingPhoneNumbers/")
            + r"(?P<sid>[^/]+)\.json"
        )
        self.sold: list[dict] = []
        self.released: list[str] = []
        self._plan: str | None = None
        self._latency = 0.0
        self._takes_numbers_back = True
        self._digits = 0  # of the numbers sold, when a scenario chose

    def __repr__(self) -> str:
        return "<telephony provider fake>"

    def _planned(self, plan: str, answer_after_seconds: float = 0.0) -> None:
        if self._plan is None:
            self._fakes.mock.add_callback(
                responses.POST, self._buy_url, callback=self._answer, content_type=None
            )
            self._fakes.mock.add_callback(
                responses.DELETE, self._release_url, callback=self._release, content_type=None
            )
        self._plan, self._latency = plan, answer_after_seconds

    def sells_numbers(self, answer_after_seconds: float = 0.0) -> None:
        """Sells a new UK number per purchase (after a moment, when asked to be slow)."""
        self._planned("sell", answer_after_seconds)

    def sells_malformed_numbers(self) -> None:
        """Sells numbers, but writes them in a national form, not the international one."""
        self._planned("sell malformed")

    def sells_numbers_of(self, digits: int) -> None:
        """Sells numbers of `digits` digits after the plus sign (E.164 allows 8 to 15)."""
        self._digits = digits
        self._planned("sell digits")

    def will_not_take_numbers_back(self) -> None:
        """Sells as planned, but answers a number given back with a server error."""
        self._takes_numbers_back = False

    def is_down(self) -> None:
        self._planned("down")

    def times_out(self) -> None:
        self._planned("time out")

    def _answer(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        headers = {"Content-Type": "application/json"}
        if self._plan == "down":
            error = {"code": 20500, "message": "Internal Server Error", "status": 500}
            return 500, headers, json.dumps(error)
        if self._plan == "time out":
            raise requests.exceptions.ReadTimeout("the telephony provider did not answer in time")
        if self._latency:
            time.sleep(self._latency)  # a real purchase takes a moment
        sid = f"PN{uuid.uuid4().hex}"
        number = {
            "sid": sid,
            "account_sid": request.url.split("/Accounts/")[1].split("/")[0],
            "phone_number": self._number(),
            "friendly_name": "merchant number",
            "capabilities": {"voice": True, "sms": True, "mms": False},
            "status": "in-use",
            "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
        }
        self.sold.append(number)
        return 201, headers, json.dumps(number)

    def _number(self) -> str:
        if self._plan == "sell malformed":
            return f"07700 9{uuid.uuid4().int % 100_000:05d}"
        if self._plan == "sell digits":
            return "+44" + f"{uuid.uuid4().int:040d}"[: self._digits - 2]
        return f"+4477009{uuid.uuid4().int % 100_000:05d}"

    def _release(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        """Twilio answers a released number with 204 and no body."""
        if not self._takes_numbers_back:
            error = {"code": 20500, "message": "Internal Server Error", "status": 500}
            return 500, {"Content-Type": "application/json"}, json.dumps(error)
        match = self._release_url.match(request.url or "")
        self.released.append(match["sid"] if match else "")
        return 204, {}, ""

    def expect_released_what_it_sold(self) -> None:
        sold = [number["sid"] for number in self.sold]
        if not sold or self.released != sold:
            raise AssertionError(
                f"Expected the platform to give back the {len(sold)} number(s) the telephony "
                f"provider sold it, but it gave back {len(self.released)} "
                f"({'the same ones' if set(self.released) == set(sold) else 'others'})."
            )

    def expect_nothing_released(self) -> None:
        if self.released:
            raise AssertionError(
                f"Expected the platform to keep the number it bought, but it gave back "
                f"{len(self.released)} number(s) to the telephony provider."
            )

    def purchase_requests(self) -> list[ProviderCall]:
        calls = self._fakes.attach("Calls to the telephony provider", self._api)
        return [c for c in calls if self._buy_url.match(c.url)]

    def expect_purchases(self, count: int) -> list[ProviderCall]:
        calls = self.purchase_requests()
        if len(calls) != count:
            said = "not asked for a number" if count == 0 else f"asked for {count} number(s)"
            raise AssertionError(
                f"Expected the telephony provider to be {said}, but it was asked "
                f"{len(calls)} time(s)."
            )
        return calls
