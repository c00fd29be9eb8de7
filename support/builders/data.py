"""Test data with defaults you can override; faker (en_GB) seeded per scenario so runs replay."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field, replace

from faker import Faker

from support.report.redaction import SECRETS


def scenario_seed(run_seed: int, scenario_id: str) -> int:
    """The same run seed and scenario always give the same data: a failure can be replayed."""
    return zlib.crc32(f"{run_seed}:{scenario_id}".encode())


@dataclass(frozen=True)
class AccountDetails:
    email: str
    password: str | None = field(repr=False)  # the report shows step arguments
    business_name: str | None = None

    def but(self, **changes: object) -> AccountDetails:
        return replace(self, **changes)


_FAKERS: list[Faker] = []


def _seeded_faker(seed: int) -> Faker:
    """The process's one en_GB faker, seeded for this scenario: making a new one loads every
    provider again (a fortieth of a scenario's own work, profiled), and a seeded instance gives
    the same data whichever instance it is."""
    if not _FAKERS:
        _FAKERS.append(Faker("en_GB"))
    _FAKERS[0].seed_instance(seed)
    return _FAKERS[0]


class Builders:
    def __repr__(self) -> str:
        return f"<test data, seed {self.seed}>"

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.faker = _seeded_faker(seed)
        self._made = 0

    def _unique_email(self) -> str:
        # The seed and a counter make the address unique within a run and across workers;
        # example.* domains are reserved, so no real person is ever written to.
        self._made += 1
        user = self.faker.user_name().replace(".", "")[:20]
        return f"{user}.{self.seed:08x}.{self._made}@{self.faker.safe_domain_name()}"

    def password(self, length: int = 16) -> str:
        """Random letters and digits: hard to guess at 15 characters or more."""
        value = self.faker.password(length=length, special_chars=False)
        SECRETS.add(value)
        return value

    def merchant(self, **overrides: object) -> AccountDetails:
        details = AccountDetails(
            email=self._unique_email(),
            password=self.password(),
            business_name=self.faker.company(),
        )
        return details.but(**overrides) if overrides else details

    def unusable_sign_up(self, problem: str) -> AccountDetails:
        """Sign-up details with one named problem; everything else is fine."""
        usable = self.merchant()
        problems = {
            "an email address that is not an address": {"email": "not-an-email-address"},
            "an email address with a zero-width space": {"email": f"shop\u200b{usable.email}"},
            "an email address with a bell character": {"email": f"shop\x07{usable.email}"},
            "an email address with markup": {"email": f"<b>shop</b>{usable.email}"},
            "a password that is too short": {"password": "short"},
            "a password of fifteen identical letters": {"password": "a" * 15},
            "a commonly used password": {"password": "1qaz2wsx3edc4rfv"},
            "a password of keyboard patterns": {"password": "qwertyuiopasdfgh"},
            "a password with a zero-width space": {"password": f"{usable.password}\u200b"},
            "a password with a tab": {"password": f"{usable.password[:8]}\t{usable.password[8:]}"},
            "no password": {"password": None},
        }
        if length := re.fullmatch(r"a password of (?:exactly )?(\d+) characters", problem):
            return usable.but(password=self.password(length=int(length.group(1))))
        if problem not in problems:
            raise KeyError(f"No sign-up problem called {problem!r}; known: {', '.join(problems)}.")
        return usable.but(**problems[problem])

    def email_spelled(self, email: str, spelling: str) -> str:
        """The same address written another way, as people type it."""
        spellings = {
            "in capitals": email.upper(),
            "with spaces around it": f"  {email} ",
            "in mixed case with spaces around it": f" {email[:1].upper()}{email[1:]}  ",
        }
        if spelling not in spellings:
            raise KeyError(f"No spelling called {spelling!r}; known: {', '.join(spellings)}.")
        return spellings[spelling]

    def accented_email(self, separate_accent: bool = False) -> str:
        """A unique address with an accented letter, written as one character or as a letter
        followed by a separate accent mark (two spellings people's keyboards produce)."""
        accented = "e\u0301" if separate_accent else "\u00e9"
        return f"caf{accented}.{self._unique_email()}"

    def team_member(self) -> AccountDetails:
        return AccountDetails(email=self._unique_email(), password=self.password())

    def business_name(self) -> str:
        return self.faker.company()

    def category(self) -> str:
        return self.faker.random_element(
            ["Flowers and gifts", "Coffee and bakery", "Bicycle repairs", "Bookshop", "Tailoring"]
        )

    def business_details_of_length(self, name_length: int, category_length: int) -> dict[str, str]:
        return {
            "business name": self.text_of_length(name_length),
            "category": self.text_of_length(category_length),
        }

    def text_of_length(self, length: int) -> str:
        text = ""
        while len(text) < length:
            text += self.faker.sentence() + " "
        # Ends on a letter, so that trimming spaces cannot be confused with cutting.
        return (text[: length - 1] + "x")[:length]
