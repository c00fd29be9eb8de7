"""Sign-up, login and working out who a bearer token speaks for."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from service.core.errors import ApiError
from service.core.security import InvalidToken, IssuedToken, PasswordHasher, TokenService
from service.domain.access import Principal
from service.domain.rules import normalise_email, organisation_name
from service.stores.accounts import AccountStore, EmailTaken, Organisation, User

log = logging.getLogger("service.domain.accounts")

UNAUTHORIZED_MESSAGE = "Please sign in again: your access token is missing, invalid or expired."
BAD_CREDENTIALS_MESSAGE = "The email address or password is not correct."
EMAIL_TAKEN_MESSAGE = "An account with this email address already exists."


@dataclass(frozen=True)
class SignedUp:
    organisation: Organisation
    user: User


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", UNAUTHORIZED_MESSAGE)


class Accounts:
    def __init__(
        self, store: AccountStore, passwords: PasswordHasher, tokens: TokenService
    ) -> None:
        self._store = store
        self._passwords = passwords
        self._tokens = tokens
        # Compared against when the e-mail is unknown, so both failures take as long.
        self._dummy_hash = passwords.hash(uuid.uuid4().hex)

    def sign_up(self, email: str, password: str, business_name: str | None) -> SignedUp:
        org_id = uuid.uuid4()
        password_hash = self._passwords.hash(password)
        try:
            org, user = self._store.create_organisation(
                org_id, organisation_name(business_name, email), email, password_hash
            )
        except EmailTaken:
            raise self._email_taken() from None
        return SignedUp(org, user)

    def _email_taken(self) -> ApiError:
        return ApiError(409, "conflict", EMAIL_TAKEN_MESSAGE)

    def sign_in_address(self, typed: str) -> str:
        """The address a sign-in is for, normalised as at sign-up (so capitals and spaces around
        it find the same account); raises ValueError when it is no address at all."""
        return normalise_email(typed)

    def log_in(self, email: str, password: str) -> IssuedToken:
        record = self._store.find_login(email)
        if record is None:
            self._passwords.verify(self._dummy_hash, password)
            raise ApiError(401, "invalid_credentials", BAD_CREDENTIALS_MESSAGE)
        if not self._passwords.verify(record.password_hash, password):
            raise ApiError(401, "invalid_credentials", BAD_CREDENTIALS_MESSAGE)
        return self._tokens.issue(record.id, record.org_id, record.role)

    def authenticate(self, token: str | None) -> Principal:
        """The token's user and organisation, with the user's current role; the user must
        still exist there."""
        if not token:
            raise unauthorized()
        try:
            claims = self._tokens.verify(token)
        except InvalidToken as exc:
            log.info("Refused a bearer token (%s)", exc)
            raise unauthorized() from None
        user = self._store.get_user(claims.org_id, claims.user_id)
        if user is None:
            raise unauthorized()
        return Principal(user.id, user.org_id, user.email, self._current_role(user, claims.role))

    def _current_role(self, user: User, token_role: str) -> str:
        """The member's role now, not when the token was issued: a member whose role was
        lowered loses the rights at once, not when the token expires."""
        return user.role

    def profile(self, principal: Principal) -> tuple[User, Organisation]:
        user = self._store.get_user(principal.org_id, principal.user_id)
        org = self._store.get_organisation(principal.org_id)
        if user is None or org is None:
            raise unauthorized()
        return user, org
