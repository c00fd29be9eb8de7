"""Defects of how email addresses and free text are checked."""

from __future__ import annotations

import re
from typing import Any

from service.defects.base import Defect
from service.domain.rules import InputRules

_LOOKS_LIKE_AN_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class EmailNotNormalised(InputRules):
    """The platform's check before email-validator: a pattern, no Unicode normalisation."""

    def email(self, value: str) -> str:
        email = value.strip().lower()
        if not _LOOKS_LIKE_AN_ADDRESS.match(email):
            raise ValueError("not an email address")
        return email


class HiddenCharactersKept(InputRules):
    def plain_text(self, value: str) -> str:
        return value


class WeakPasswordsAccepted(InputRules):
    """The platform's rule before NIST's guidance: ten characters of anything."""

    def password(self, value: str) -> str:
        if len(value) < 10:
            raise ValueError("The password must be at least 10 characters long.")
        return value


class HiddenCharactersInPasswords(InputRules):
    """Only NUL is refused, as before the password rule matched its documented pattern."""

    def password_characters_allowed(self, value: str) -> bool:
        return "\x00" not in value


class UnknownMembersRefused(InputRules):
    def body_members(self, declared: frozenset[str], sent: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(sent) - declared)
        if unknown:
            raise ValueError(f"{', '.join(unknown)} cannot be set")
        return sent


class ShortPasswordsAccepted(InputRules):
    def password_long_enough(self, value: str) -> bool:
        return True


DEFECTS: dict[str, Defect] = {
    "email_not_normalised": Defect(
        "Email addresses are only pattern-checked: hidden characters pass and look-alike "
        "spellings become two accounts.",
        "rules",
        EmailNotNormalised,
    ),
    "hidden_characters_kept": Defect(
        "Free text keeps control and formatting characters (line breaks, escapes, overrides).",
        "rules",
        HiddenCharactersKept,
    ),
    "weak_passwords_accepted": Defect(
        "Any password of ten characters is accepted, however common or easy to guess.",
        "rules",
        WeakPasswordsAccepted,
    ),
    "hidden_characters_in_passwords": Defect(
        "Passwords may hold hidden characters (tabs, zero-width spaces), which the API "
        "document says are refused and which nobody can type again.",
        "rules",
        HiddenCharactersInPasswords,
    ),
    "unknown_members_refused": Defect(
        "A request naming anything beside what it takes (an older app's extra field) is "
        "refused as invalid instead of answered without it.",
        "rules",
        UnknownMembersRefused,
    ),
    "short_passwords_accepted": Defect(
        "Passwords shorter than 15 characters are accepted when they are hard enough to guess.",
        "rules",
        ShortPasswordsAccepted,
    ),
}
