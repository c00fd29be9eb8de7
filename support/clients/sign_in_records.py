"""The platform's records of failed sign-ins and of sign-ups in Redis, which a scenario forgets
when it ends.

They are the platform's own (the `limits` library's keys, with the email address as a digest);
the suite names them here, in one place, only to leave no trace behind.
"""

from __future__ import annotations

import hashlib
import unicodedata

from support.clients.cache import Cache

ACCOUNT_KEYS = "LIMITS:LIMITER/sign-in/account/{digest}/*"
ADDRESS_KEYS = "LIMITS:LIMITER/sign-in/address/*"
SIGN_UP_KEYS = "LIMITS:LIMITER/sign-up/address/{address}/*"
LOCAL_ADDRESS = "127.0.0.1"  # where the suite's own client signs merchants up from


def digest(email: str) -> str:
    normal = unicodedata.normalize("NFC", email.strip()).lower()
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


def forget_sign_in_failures(cache: Cache, email: str) -> None:
    cache.forget_matching_quietly(ACCOUNT_KEYS.format(digest=digest(email)), ADDRESS_KEYS)


def forget_sign_ups(cache: Cache, address: str = LOCAL_ADDRESS) -> None:
    """One address's count of sign-ups (never all: another scenario may be counting its own)."""
    cache.forget_matching_quietly(SIGN_UP_KEYS.format(address=address))
