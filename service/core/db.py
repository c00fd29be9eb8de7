"""Connections: a pool as the plain application role, tenant-scoped transactions, owner access."""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from service.core.settings import Settings

APPLICATION_NAME = "merchant-platform"


class StartupError(Exception):
    """The service cannot start; the message is one sentence saying why."""


def describe_target(url: str) -> str:
    """host:port/dbname of a database URL, with no user or password, for messages."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the configured database"
    host = params.get("host") or "localhost"
    port = params.get("port") or "5432"
    return f"{host}:{port}/{params.get('dbname') or params.get('user') or ''}"


def owner_conninfo(settings: Settings, application_name: str = APPLICATION_NAME) -> str:
    return make_conninfo(
        settings.database_url, application_name=application_name, connect_timeout=3
    )


def app_conninfo(settings: Settings) -> str:
    return make_conninfo(
        settings.database_url,
        user=settings.app_db_role,
        password=settings.app_db_password,
        application_name=APPLICATION_NAME,
        connect_timeout=3,
    )


def _seconds(value: float) -> str:
    return f"{value:g} second" + ("" if value == 1 else "s")


def wait_for_database(settings: Settings) -> None:
    """Retry connecting as the schema owner until it works or db_connect_timeout passes."""
    deadline = time.monotonic() + settings.db_connect_timeout
    conninfo = owner_conninfo(settings, f"{APPLICATION_NAME}-migrations")
    while True:
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute("select 1")
            return
        except psycopg.Error as exc:
            if time.monotonic() >= deadline:
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0].strip()
                raise StartupError(
                    f"The database at {describe_target(settings.database_url)} did not accept "
                    f"connections within {_seconds(settings.db_connect_timeout)} ({reason})."
                ) from None
            time.sleep(0.25)


# A pooled connection is checked with a round trip before it is lent (a database restart leaves
# the pool holding dead connections, and the check replaces them), except one that came back to
# the pool within this many seconds: it worked a moment ago. HikariCP does the same for the same
# reason (its "alive bypass window", 500 ms). A request makes several transactions one after the
# other, each borrowing a connection: without the window each paid one more round trip, and
# under load each round trip waits its turn for the process's threads. What it costs: for half a
# second after a restart, a request may meet a dead connection and fail (the pool then drops it).
CHECK_BYPASS_SECONDS = 0.5


class _RecentlyReturned:
    """A pool's check and reset callbacks: the check is skipped for a connection returned less
    than CHECK_BYPASS_SECONDS ago."""

    def __init__(self) -> None:
        self._returned: weakref.WeakKeyDictionary[psycopg.Connection, float] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def check(self, conn: psycopg.Connection) -> None:
        with self._lock:
            returned = self._returned.get(conn)
        if returned is None or time.monotonic() - returned >= CHECK_BYPASS_SECONDS:
            ConnectionPool.check_connection(conn)

    def returned(self, conn: psycopg.Connection) -> None:
        with self._lock:
            self._returned[conn] = time.monotonic()


def _pool(conninfo: str, name: str, max_size: int) -> ConnectionPool:
    recently = _RecentlyReturned()
    return ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max_size,
        open=False,
        name=name,
        timeout=5.0,
        kwargs={"autocommit": True, "row_factory": dict_row},
        check=recently.check,
        reset=recently.returned,
    )


# BEGIN and the organisation in one round trip: two statements in one simple query (psycopg's
# transaction() would send BEGIN on its own first, one more round trip per transaction).
_BEGIN_FOR_ORGANISATION = sql.SQL("begin; select set_config('app.org_id', {}, true)")


def _roll_back(conn: psycopg.Connection) -> None:
    """Ends a failed transaction; a connection too broken to say so is dropped by the pool,
    and the error that broke the block is the one that counts."""
    if conn.closed or conn.broken:
        return
    with suppress(psycopg.Error):
        conn.execute("rollback")


class Database:
    """The service's way into PostgreSQL.

    Normal work goes through `tenant()` (row-level security scoped to one organisation) and
    `anonymous()` (no organisation: only the login lookup function can see across tenants).
    `owner()` opens, on first use, a separate pool as the schema owner, which skips row-level
    security; nothing in the normal request paths uses it.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._app_pool = _pool(app_conninfo(settings), "merchant-app", max_size=10)
        self._owner_pool: ConnectionPool | None = None
        self._owner_lock = threading.Lock()

    def open(self) -> None:
        try:
            self._app_pool.open(wait=True, timeout=self._settings.db_connect_timeout)
        except PoolTimeout:
            raise StartupError(
                f"The service could not connect to {describe_target(self._settings.database_url)} "
                f"as {self._settings.app_db_role!r} within "
                f"{_seconds(self._settings.db_connect_timeout)}; check APP_DATABASE_PASSWORD "
                "and the server's authentication rules (a role is server-wide: if another "
                "deployment uses it, give this one its own APP_DATABASE_ROLE)."
            ) from None

    def check_isolation(self) -> None:
        """Refuses to start when row-level security would not bind the application role.

        Policies do not bind a table's owner, nor (through inheritance) a member of the owner's
        role: for such a role, "no organisation" would mean "every organisation". FORCE ROW LEVEL
        SECURITY is not used instead, because the owner must see across merchants on purpose
        (migrations, and the lookup of which merchant a provider event is for).
        """
        with self._app_pool.connection() as conn:
            rows = conn.execute(
                "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = 'public' and c.relrowsecurity"
                " and not c.relforcerowsecurity and pg_has_role(current_user, c.relowner, 'USAGE')"
                " order by 1",
            ).fetchall()
        self._refuse_unbound([row["relname"] for row in rows])

    def _refuse_unbound(self, tables: list[str]) -> None:
        if tables:
            raise StartupError(
                f"The application role {self._settings.app_db_role!r} has its tables' owner's "
                f"rights (it owns them or is a member of the owner's role), so row-level "
                f"security would not keep merchants apart ({', '.join(tables[:3])}); "
                "revoke that membership."
            )

    def close(self) -> None:
        self._app_pool.close()
        if self._owner_pool is not None:
            self._owner_pool.close()

    def _tenant_pool(self) -> ConnectionPool:
        return self._app_pool

    def _owner(self) -> ConnectionPool:
        with self._owner_lock:
            if self._owner_pool is None:
                pool = _pool(owner_conninfo(self._settings), "merchant-owner", max_size=4)
                pool.open(wait=True, timeout=self._settings.db_connect_timeout)
                self._owner_pool = pool
            return self._owner_pool

    @contextmanager
    def tenant(self, org_id: uuid.UUID) -> Iterator[psycopg.Connection]:
        """One transaction in which row-level security shows only this organisation's rows:
        committed when the block ends, rolled back when it raises."""
        organisation = sql.Literal(str(uuid.UUID(str(org_id))))  # an id, never other text
        with self._tenant_pool().connection() as conn:
            conn.execute(_BEGIN_FOR_ORGANISATION.format(organisation))
            try:
                yield conn
            except BaseException:
                _roll_back(conn)
                raise
            conn.execute("commit")

    @contextmanager
    def anonymous(self) -> Iterator[psycopg.Connection]:
        """One transaction with no organisation set: tenant tables show nothing."""
        with self._tenant_pool().connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def owner(self) -> Iterator[psycopg.Connection]:
        """One transaction as the schema owner (row-level security does not apply)."""
        with self._owner().connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def exclusive(self, key: int, name: str) -> Iterator[None]:
        """Held by one caller at a time per (key, name), across processes: a session advisory
        lock on a connection of its own, so that waiting for it, or holding it over a slow
        outside call, never takes a connection from the pool others need."""
        with psycopg.connect(app_conninfo(self._settings), autocommit=True) as conn:
            conn.execute("select pg_advisory_lock(%s::int, hashtext(%s))", (key, name))
            yield  # closing the connection releases the lock, also after an error

    def ping(self, timeout: float) -> None:
        with self._app_pool.connection(timeout=timeout) as conn:
            conn.execute("select 1")
