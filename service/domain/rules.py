"""The platform's input rules: e-mail addresses, passwords, names, onboarding events."""

from __future__ import annotations

import re

PASSWORD_MIN, PASSWORD_MAX = 10, 128
BUSINESS_NAME_MAX, CATEGORY_MAX, ORGANISATION_NAME_MAX = 200, 100, 200
EVENT_NAMES = (
    "wizard_started",
    "step_viewed",
    "step_completed",
    "payment_viewed",
    "payment_succeeded",
    "wizard_completed",
)
FIRST_STEP, LAST_STEP = 0, 4

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def normalise_email(value: str) -> str:
    """Trimmed and lower-cased; raises ValueError unless it looks like local@domain.tld."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email) or ".." in email.split("@")[1]:
        raise ValueError("not an email address")
    return email


def no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL characters, so such input is invalid."""
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def trim_and_cut(value: str | None, limit: int) -> str | None:
    """Trimmed, then cut to `limit` characters; empty after trimming means "not given"."""
    if value is None:
        return None
    trimmed = value.strip()
    return trimmed[:limit] if trimmed else None


def organisation_name(business_name: str | None, email: str) -> str:
    """The business name given at sign-up, or else the domain of the owner's e-mail address."""
    return trim_and_cut(business_name, ORGANISATION_NAME_MAX) or email.split("@", 1)[1]


# Money is whole pence. A top-up is between £1 and £1,000; £1 buys 100 credits (credits = pence).
TOP_UP_MIN_PENCE, TOP_UP_MAX_PENCE = 100, 100_000
CHARGE_MAX_PENCE = 100_000
CHARGE_DESCRIPTION_MAX = 200
PHONE_NUMBER_PRICE_PENCE = 1000
LEDGER_PAGE_MAX = 100
# Far past any real ledger, and inside PostgreSQL's bigint (a larger OFFSET is a server error).
LEDGER_OFFSET_MAX = 1_000_000_000
