"""Checks that the database itself, not only the service's code, keeps merchants apart."""

from __future__ import annotations

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


def visible_to_other_tenant(
    database: Database, role: str, viewer_org: str, owner_org: str, tables: list[str]
) -> dict[str, int]:
    """As the service's own role, acting for one merchant, count another merchant's rows."""
    counts: dict[str, int] = {}
    connection = database.connection
    with connection.transaction(force_rollback=True):
        connection.execute(f'set local role "{role}"')
        connection.execute("select set_config('app.org_id', %s, true)", (viewer_org,))
        for table in tables:
            column = "id" if table == "organisations" else "org_id"
            row = connection.execute(
                f'select count(*) as n from "{table}" where {column} = %s', (owner_org,)
            ).fetchone()
            counts[table] = row["n"]
    return counts


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
    for role in {r["role"] for r in roles}:
        seen = visible_to_other_tenant(database, role, viewer_org, owner_org, tables)
        attach_json(f"Other merchant's rows visible as {role} acting for this merchant", seen)
        leaked = {table: n for table, n in seen.items() if n}
        if leaked:
            raise AssertionError(
                f"Expected no rows of another merchant to be visible, but {leaked} are."
            )
