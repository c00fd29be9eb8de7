"""Applies service/migrations/NNN_*.sql in order, once each, and sets up the application role."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import errors, sql

from service.core.db import APPLICATION_NAME, StartupError, owner_conninfo
from service.core.settings import Settings

log = logging.getLogger("service.core.migrate")

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# One key for "the merchant platform's schema is changing" (held per database).
LOCK_KEY = 7_305_120_451
_FILE_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def discover(folder: Path = MIGRATIONS) -> list[Migration]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise StartupError(f"The migration file {path.name} is not named NNN_name.sql.")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StartupError("Two migration files share a version number.")
    return found


def migrate(settings: Settings, reset_role_password: bool = False) -> list[str]:
    """Bring the schema up to date; returns the names of the migrations applied now.

    `reset_role_password` is only ever true in a deliberately faulty deployment (see
    DeploymentPolicy.resets_role_password)."""
    conninfo = owner_conninfo(settings, f"{APPLICATION_NAME}-migrations")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            applied = _apply_pending(conn, discover())
            ensure_app_role(
                conn, settings.app_db_role, settings.app_db_password, reset_role_password
            )
            return applied
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))


def _apply_pending(conn: psycopg.Connection, migrations: list[Migration]) -> list[str]:
    conn.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name text not null,"
        " applied_at timestamptz not null default now())"
    )
    done = {row[0] for row in conn.execute("select version from schema_migrations")}
    applied = []
    for migration in migrations:
        if migration.version in done:
            continue
        with conn.transaction():
            conn.execute(migration.sql.encode("utf-8"))
            conn.execute(
                "insert into schema_migrations (version, name) values (%s, %s)",
                (migration.version, migration.name),
            )
        log.info("Applied migration %s", migration.name)
        applied.append(migration.name)
    return applied


def ensure_app_role(
    conn: psycopg.Connection, role: str, password: str, reset_password: bool = False
) -> None:
    """The plain role the service queries as: LOGIN, no superuser, no RLS bypass, owns nothing.

    Its password is set only when the role is created here: a role is server-wide, so resetting
    it at every start would take it from another deployment on the same server.
    """
    ident = sql.Identifier(role)
    _create_role(conn, role, password)
    if reset_password:
        conn.execute(
            sql.SQL("alter role {} password {}").format(ident, sql.Literal(password or None))
        )
    attributes = conn.execute(
        "select rolsuper, rolbypassrls from pg_roles where rolname = %s", (role,)
    ).fetchone()
    if attributes and any(attributes):
        try:
            _retry(
                lambda: conn.execute(sql.SQL("alter role {} nosuperuser nobypassrls").format(ident))
            )
        except errors.InsufficientPrivilege:
            raise StartupError(
                f"The application role {role!r} is a superuser or bypasses row-level security, "
                "and the role in DATABASE_URL may not change that."
            ) from None
    owned = conn.execute(
        "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner"
        " join pg_namespace n on n.oid = c.relnamespace"
        " where r.rolname = %s and n.nspname = 'public'",
        (role,),
    ).fetchone()
    if owned and owned[0]:
        raise StartupError(
            f"The application role {role!r} owns tables in the schema, so row-level security "
            "would not apply to it; give them to the role in DATABASE_URL."
        )
    _grant(conn, ident)


def _create_role(conn: psycopg.Connection, role: str, password: str) -> None:
    if conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone():
        return
    statement = sql.SQL("create role {} login nosuperuser nobypassrls password {}")
    try:
        conn.execute(statement.format(sql.Identifier(role), sql.Literal(password or None)))
    except (errors.DuplicateObject, errors.UniqueViolation):
        pass  # another service process created it at the same moment
    except errors.InsufficientPrivilege:
        raise StartupError(
            "The role in DATABASE_URL may not create the application role; create it yourself "
            "(LOGIN NOSUPERUSER NOBYPASSRLS) or grant CREATEROLE."
        ) from None


def _grant(conn: psycopg.Connection, ident: sql.Identifier) -> None:
    statements = [
        "grant usage on schema public to {role}",
        "grant select, insert, update, delete on all tables in schema public to {role}",
        "revoke all on table schema_migrations from {role}",
        "grant usage, select on all sequences in schema public to {role}",
        "grant execute on all functions in schema public to {role}",
    ]
    with conn.transaction():
        for statement in statements:
            conn.execute(sql.SQL(statement).format(role=ident))


def _retry(action: Callable[[], object], attempts: int = 5) -> None:
    """Role changes are cluster-wide: two databases' services may update the role at once."""
    for attempt in range(attempts):
        try:
            action()
            return
        except errors.InternalError_ as exc:  # "tuple concurrently updated"
            if attempt == attempts - 1:
                raise
            log.info("Retrying a role change after a concurrent update (%s)", exc)
            time.sleep(0.1 * (attempt + 1))
