"""The service's pooled connections: a connection that came back a moment ago is lent without a
round trip to check it, any other is checked; a tenant transaction commits when its block ends
and rolls back when it raises (one simple query opens it and names the organisation)."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest

from service.core import db
from service.core.db import Database, _RecentlyReturned
from service.core.settings import Settings


@pytest.fixture
def connection(live_target):
    with psycopg.connect(live_target.database_url, autocommit=True) as conn:
        yield conn


def test_a_connection_returned_a_moment_ago_is_lent_without_a_check(connection):
    recently = _RecentlyReturned()
    recently.returned(connection)
    connection.close()  # a check would now fail
    recently.check(connection)  # no round trip: it came back less than half a second ago


def test_a_connection_returned_longer_ago_is_checked(connection, monkeypatch):
    monkeypatch.setattr(db, "CHECK_BYPASS_SECONDS", 0.05)
    recently = _RecentlyReturned()
    recently.returned(connection)
    time.sleep(0.06)
    recently.check(connection)  # checked, and alive
    connection.close()
    with pytest.raises(psycopg.OperationalError):
        recently.check(connection)


def test_a_connection_never_returned_is_checked(connection):
    recently = _RecentlyReturned()
    connection.close()
    with pytest.raises(psycopg.OperationalError):
        recently.check(connection)


@pytest.fixture
def database(live_target):
    """The service's own Database over the suite's database, as the service's owner role (the
    transactions' behaviour is what is tested here, not row-level security)."""
    settings = Settings(
        database_url=live_target.database_url,
        redis_url=live_target.redis_url,
        jwt_secret="x" * 48,
    )
    found = Database(settings)
    found._app_pool = db._pool(db.owner_conninfo(settings), "pool-test", max_size=2)
    found._app_pool.open(wait=True, timeout=10)
    yield found
    found.close()


def test_a_tenant_transaction_names_its_organisation_and_commits(database):
    organisation = uuid.uuid4()
    with database.tenant(organisation) as conn:
        named = conn.execute("select current_setting('app.org_id') as org").fetchone()["org"]
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    assert named == str(organisation)
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # committed


def test_a_tenant_transaction_that_raises_keeps_nothing(database):
    table = f"pool_probe_{uuid.uuid4().hex[:8]}"
    with database.owner() as conn:
        conn.execute(f"create table {table} (n int)")
    try:
        with pytest.raises(RuntimeError), database.tenant(uuid.uuid4()) as conn:
            conn.execute(f"insert into {table} values (1)")
            raise RuntimeError("the block fails after a write")
        with database.tenant(uuid.uuid4()) as conn:
            assert conn.execute(f"select count(*) as n from {table}").fetchone()["n"] == 0
            conn.execute(f"insert into {table} values (2)")
        with database.owner() as conn:
            assert conn.execute(f"select count(*) as n from {table}").fetchone()["n"] == 1
    finally:
        with database.owner() as conn:
            conn.execute(f"drop table {table}")


def test_a_tenant_transaction_takes_only_an_organisation_id(database):
    with pytest.raises(ValueError), database.tenant("x'); drop table wallets; --"):
        pass
