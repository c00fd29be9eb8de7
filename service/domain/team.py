"""The organisation's team: adding members and looking one up."""

from __future__ import annotations

import uuid

from service.core.errors import ApiError, not_found
from service.core.security import PasswordHasher
from service.domain.access import Principal
from service.stores.accounts import AccountStore, EmailTaken, User

MEMBER_NOT_FOUND = "We could not find that team member."


class Team:
    def __init__(self, store: AccountStore, passwords: PasswordHasher) -> None:
        self._store = store
        self._passwords = passwords

    def add_member(self, principal: Principal, email: str, password: str, role: str) -> User:
        try:
            return self._store.add_user(
                principal.org_id, email, self._passwords.hash(password), role
            )
        except EmailTaken:
            raise ApiError(
                409, "conflict", "An account with this email address already exists."
            ) from None

    def get_member(self, principal: Principal, member_id: str) -> User:
        try:
            wanted = uuid.UUID(member_id)
        except ValueError:
            raise not_found(MEMBER_NOT_FOUND) from None
        user = self._store.get_user(principal.org_id, wanted)
        if user is None or user.org_id != principal.org_id:
            self._member_missing(principal, wanted)
        assert user is not None
        return user

    def _member_missing(self, principal: Principal, member_id: uuid.UUID) -> None:
        """Unknown and another organisation's members look the same: not found."""
        raise not_found(MEMBER_NOT_FOUND)
