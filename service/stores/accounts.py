"""SQL for organisations and their users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from psycopg import errors

from service.core.db import Database


class EmailTaken(Exception):
    """An account with this e-mail address already exists (in any organisation)."""


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    org_id: uuid.UUID
    email: str
    role: str


@dataclass(frozen=True)
class Organisation:
    id: uuid.UUID
    name: str
    business_name: str | None
    category: str | None


@dataclass(frozen=True)
class LoginRecord:
    id: uuid.UUID
    org_id: uuid.UUID
    password_hash: str
    role: str


_USER_COLUMNS = "id, org_id, email, role"
_ORG_COLUMNS = "id, name, business_name, category"


def _user(row: dict[str, Any]) -> User:
    return User(row["id"], row["org_id"], row["email"], row["role"])


def _organisation(row: dict[str, Any]) -> Organisation:
    return Organisation(row["id"], row["name"], row["business_name"], row["category"])


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create_organisation(
        self, org_id: uuid.UUID, name: str, email: str, password_hash: str
    ) -> tuple[Organisation, User]:
        try:
            with self.db.tenant(org_id) as conn:
                org = conn.execute(
                    "insert into organisations (id, name) values (%s, %s)"
                    f" returning {_ORG_COLUMNS}",
                    (org_id, name),
                ).fetchone()
                user = conn.execute(
                    "insert into users (org_id, email, password_hash, role)"
                    f" values (%s, %s, %s, 'owner') returning {_USER_COLUMNS}",
                    (org_id, email, password_hash),
                ).fetchone()
        except errors.UniqueViolation:
            raise EmailTaken() from None
        assert org is not None and user is not None
        return _organisation(org), _user(user)

    def add_user(self, org_id: uuid.UUID, email: str, password_hash: str, role: str) -> User:
        try:
            with self.db.tenant(org_id) as conn:
                row = conn.execute(
                    "insert into users (org_id, email, password_hash, role)"
                    f" values (%s, %s, %s, %s) returning {_USER_COLUMNS}",
                    (org_id, email, password_hash, role),
                ).fetchone()
        except errors.UniqueViolation:
            raise EmailTaken() from None
        assert row is not None
        return _user(row)

    def find_login(self, email: str) -> LoginRecord | None:
        with self.db.anonymous() as conn:
            row = conn.execute(
                "select id, org_id, password_hash, role from find_login_user(%s)", (email,)
            ).fetchone()
        if row is None:
            return None
        return LoginRecord(row["id"], row["org_id"], row["password_hash"], row["role"])

    def get_user(self, org_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                f"select {_USER_COLUMNS} from users where id = %s and org_id = %s",
                (user_id, org_id),
            ).fetchone()
        return _user(row) if row else None

    def get_organisation(self, org_id: uuid.UUID) -> Organisation | None:
        with self.db.tenant(org_id) as conn:
            row = conn.execute(
                f"select {_ORG_COLUMNS} from organisations where id = %s", (org_id,)
            ).fetchone()
        return _organisation(row) if row else None
