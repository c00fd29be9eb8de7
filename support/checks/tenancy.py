"""Checks that the database itself, not only the service's code, keeps merchants apart."""

from __future__ import annotations

import psycopg

from support.clients.database import Database
from support.report.evidence import attach_json

SERVICE_APPLICATION_NAME = "merchant-platform"


def tenant_tables(database: Database) -> list[str]:
    """Every table that holds a merchant's data: it has an organisation column, or is the list of
    organisations itself."""
    rows = database.read(
        "tables that hold merchants' data",
        """
        select distinct c.table_name from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and (c.column_name = 'org_id' or c.table_name = 'organisations')
        order by 1
        """,
    )
    return [row["table_name"] for row in rows]


def unprotected_tables(database: Database, tables: list[str]) -> list[str]:
    rows = database.read(
        "row-level security of those tables",
        """
        select c.relname as table_name, c.relrowsecurity as protected,
               (select count(*) from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname = any(%s)
        """,
        (tables,),
    )
    return sorted(r["table_name"] for r in rows if not r["protected"] or r["policies"] == 0)


def service_roles(database: Database) -> list[dict]:
    """The database roles the service's live sessions run as, and whether policies bind them."""
    return database.read(
        "roles of the service's database sessions",
        """
        select distinct a.usename as role, r.rolsuper as superuser, r.rolbypassrls as bypasses,
          exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = 'public' and c.relowner = r.oid and c.relkind = 'r')
            as owns_tables
        from pg_stat_activity a join pg_roles r on r.rolname = a.usename
        where a.application_name = %s
        """,
        (SERVICE_APPLICATION_NAME,),
    )


def _organisation_column(table: str) -> str:
    return "id" if table == "organisations" else "org_id"


def rows_owned(database: Database, organisation_id: str, tables: list[str]) -> dict[str, int]:
    """How many rows of each table belong to the merchant (read as the suite, past the guards)."""
    counts = {}
    for table in tables:
        row = database.read_quietly(
            f'select count(*) as n from "{table}" where {_organisation_column(table)} = %s',
            (organisation_id,),
        )[0]
        counts[table] = row["n"]
    attach_json(f"Rows of merchant {organisation_id[:8]}… per table", counts)
    return counts


def probe_as_service(
    database: Database, role: str, viewer_org: str, owner_org: str, tables: list[str]
) -> dict[str, dict[str, object]]:
    """As the service's own role acting for one merchant, per table: how many of its own and of
    the other merchant's rows it sees, how many of the other's rows it can change, and whether
    it may hand one of its own rows to the other merchant. Everything is rolled back."""
    found: dict[str, dict[str, object]] = {}
    connection = database.connection
    with connection.transaction(force_rollback=True):
        connection.execute(f'set local role "{role}"')
        connection.execute("select set_config('app.org_id', %s, true)", (viewer_org,))
        for table in tables:
            column = _organisation_column(table)
            count = f'select count(*) as n from "{table}" where {column} = %s'
            seen = {
                "own rows seen": connection.execute(count, (viewer_org,)).fetchone()["n"],
                "other's rows seen": connection.execute(count, (owner_org,)).fetchone()["n"],
                "other's rows changed": _attempt(
                    connection,
                    f'update "{table}" set {column} = {column} where {column} = %s',
                    (owner_org,),
                ),
                "own row handed to the other": _attempt(
                    connection,
                    f'update "{table}" set {column} = %s where {column} = %s',
                    (owner_org, viewer_org),
                ),
            }
            found[table] = seen
    return found


def _attempt(connection: psycopg.Connection, statement: str, params: tuple) -> object:
    """Rows the write changed, or "refused" when the database's guards stopped it (another
    error, such as a unique key, proves nothing either way and is shown by its name)."""
    try:
        with connection.transaction():
            return connection.execute(statement, params).rowcount
    except psycopg.errors.InsufficientPrivilege:
        return "refused"
    except psycopg.Error as error:
        return f"stopped by {type(error).__name__}"


def _breaches(seen: dict[str, object]) -> list[str]:
    others_seen, changed = seen["other's rows seen"], seen["other's rows changed"]
    handed = seen["own row handed to the other"]
    breaches = []
    if others_seen:
        breaches.append(f"shows {others_seen} of the other's rows")
    if changed not in (0, "refused"):
        breaches.append(f"lets the other's rows be changed ({changed})")
    if isinstance(handed, int) and handed:
        breaches.append("lets a row be handed to the other")
    if not seen["own rows seen"]:
        breaches.append("shows not even the merchant's own rows, so proves nothing")
    return breaches


def expect_database_keeps_tenants_apart(
    database: Database, viewer_org: str, owner_org: str
) -> None:
    tables = tenant_tables(database)
    if not tables:
        raise AssertionError("Expected to find the tables holding merchants' data, found none.")
    unprotected = unprotected_tables(database, tables)
    if unprotected:
        raise AssertionError(
            "Expected every table holding merchants' data to be guarded by the database, "
            f"but these are not: {', '.join(unprotected)}."
        )
    for organisation in (viewer_org, owner_org):
        empty = [t for t, n in rows_owned(database, organisation, tables).items() if not n]
        if empty:
            raise AssertionError(
                "Expected both merchants to own rows in every table holding merchants' data, so "
                f"that keeping them apart can be seen, but one owns none in {', '.join(empty)}: "
                "have the merchants use that part of the platform in this scenario."
            )
    roles = service_roles(database)
    if not roles:
        raise AssertionError(
            "Expected to find the service's database sessions (application name "
            f"'{SERVICE_APPLICATION_NAME}'), found none."
        )
    unbound = [r["role"] for r in roles if r["superuser"] or r["bypasses"] or r["owns_tables"]]
    if unbound:
        raise AssertionError(
            "Expected the service to query as a role the database's guards apply to, but it "
            f"queries as {', '.join(unbound)}, which skips them (superuser, bypass or owner)."
        )
    for role in sorted({r["role"] for r in roles}):
        found = probe_as_service(database, role, viewer_org, owner_org, tables)
        attach_json(f"As {role}, acting for one merchant, against the other's rows", found)
        breaches = {table: _breaches(seen) for table, seen in found.items()}
        described = [f"{table} {', '.join(b)}" for table, b in breaches.items() if b]
        if described:
            raise AssertionError(
                f"Expected the database, as the service's role {role} acting for one merchant, "
                f"to keep the other merchant's rows out of sight and out of reach, but "
                f"{'; '.join(described)}."
            )
