"""The platform's input rules: e-mail addresses, passwords, names, onboarding events."""

from __future__ import annotations

import unicodedata
from typing import Any

from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# NIST SP 800-63B-4: at least 15 characters for a password that is the only factor; at least
# 64 allowed. Strength is judged by zxcvbn (Dropbox's estimator, which ships the list of the
# 30,000 most common passwords): a score under 3 is too easy to guess.
PASSWORD_MIN, PASSWORD_MAX = 15, 128
PASSWORD_SCORE_MIN = 3
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


class InputRules:
    """How email addresses and free text are checked. One instance, RULES, is shared by the
    request schemas and held by the platform as a component (so a defect can stand in for it)."""

    def email(self, value: str) -> str:
        """Checked and normalised by email-validator (Unicode NFC, so look-alike spellings of
        one address are one address; no control, zero-width or markup characters), then
        lower-cased; raises ValueError unless it is a usable address."""
        try:
            checked = validate_email(value.strip(), check_deliverability=False)
        except EmailNotValidError:
            raise ValueError("not an email address") from None
        return checked.normalized.lower()

    def password(self, value: str) -> str:
        """Long enough and hard to guess; the ValueError says, for the person, what to change."""
        if not self.password_characters_allowed(value):
            raise ValueError(
                "The password must not contain hidden characters (tabs, line breaks, "
                "zero-width spaces and the like): a password must be one you can type again."
            )
        if not self.password_long_enough(value):
            raise ValueError(
                f"The password must be at least {PASSWORD_MIN} characters long (it has "
                f"{len(value)}); a few unrelated words make a good one."
            )
        if value.lower() in _COMMON_PASSWORDS:
            raise ValueError(
                "This is one of the most commonly used passwords; please choose another."
            )
        # zxcvbn refuses to judge more than 72 characters unless told: every allowed length is
        # judged (its time grows with length; the request schema caps it at PASSWORD_MAX).
        judged = zxcvbn(value[:PASSWORD_MAX], max_length=PASSWORD_MAX)
        if judged["score"] < PASSWORD_SCORE_MIN:
            warning = judged["feedback"].get("warning") or "It follows a common pattern."
            raise ValueError(
                f"The password is too easy to guess ({warning.rstrip('.')}); add a few "
                "unrelated words, and avoid repeats, sequences and keyboard patterns."
            )
        return value

    def body_members(self, declared: frozenset[str], sent: dict[str, Any]) -> dict[str, Any]:
        """The members of a request body the platform reads: only those the request declares.
        Anything else (a `role` at sign-up, an `org_id`, a `balance_pence` on a top-up) is
        dropped unread, never refused: what the server owns is never taken from a client."""
        return {name: value for name, value in sent.items() if name in declared}

    def password_characters_allowed(self, value: str) -> bool:
        """No control or formatting characters (NUL among them): what the API document's
        pattern for passwords says too."""
        return not any(unicodedata.category(character) in ("Cc", "Cf") for character in value)

    def password_long_enough(self, value: str) -> bool:
        """The length rule on its own, so the rule is one method (and a defect can loosen it)."""
        return len(value) >= PASSWORD_MIN

    def plain_text(self, value: str) -> str:
        """Free text as people type it: NFC, and refused when it holds control or formatting
        characters (line breaks, bells, terminal escapes, bidirectional overrides, zero-width)."""
        if any(unicodedata.category(character) in ("Cc", "Cf") for character in value):
            raise ValueError("contains control or formatting characters")
        return unicodedata.normalize("NFC", value)


RULES = InputRules()
_COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


def normalise_email(value: str) -> str:
    return RULES.email(value)


def plain_text(value: str) -> str:
    return RULES.plain_text(value)


def password(value: str) -> str:
    return RULES.password(value)


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

# Products and orders. A SKU is the merchant's own code for a product (letters, digits, dots,
# dashes and underscores); an idempotency key is the shop's name for one order request.
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
PRODUCT_NAME_MAX = 200
PRICE_MAX_PENCE = 1_000_000
STOCK_MAX = 1_000_000
ORDER_LINES_MAX = 50
ORDER_QUANTITY_MAX = 1000
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"
RESERVATION_TTL_MIN, RESERVATION_TTL_MAX = 1, 900
ENDPOINT_URL_MAX = 2000  # a merchant's webhook address
# Far past any real ledger, and well inside what the database can count to.
LEDGER_OFFSET_MAX = 10_000_000
