"""Makes the target's database fail for one merchant only, and undoes it after the scenario."""

from __future__ import annotations

import uuid

from support.clients.database import Database
from support.report.shown import ShownAs
from support.target.cleanup import Cleanup

# Objects the suite creates start with this prefix, so that a crashed run's leftovers are findable.
PREFIX = "suite_fault_"

# Creating or dropping a trigger locks its table against writes until the statement's
# transaction ends. Deleting a merchant (every scenario's clean-up) locks `organisations` first
# and then each table its rows cascade to. A fault on `onboarding_events` and `organisations`,
# created in that order while another worker deleted its merchant, took the two locks the other
# way round: a deadlock (twice in one 20-run soak). Taking `organisations` first, as the delete
# does, keeps one order for everyone.
LOCK_ORGANISATIONS_FIRST = "lock table organisations in share row exclusive mode;\n"


class StoreFaults(ShownAs):
    shown_as = "database fault injection"

    def __init__(self, database: Database, cleanup: Cleanup) -> None:
        self._database = database
        self._cleanup = cleanup

    def onboarding_writes_fail(self, organisation_id: str) -> None:
        self._writes_fail(
            organisation_id,
            "w",
            "saving onboarding records fails for this merchant only",
            [
                ("insert or update", "onboarding_events", "org_id"),
                ("update", "organisations", "id"),
            ],
        )

    def onboarding_commit_fails(self, organisation_id: str) -> None:
        """Completing onboarding gets as far as committing, then fails: everything written in
        that transaction before the failure must go with it."""
        self._writes_fail(
            organisation_id,
            "c",
            "committing onboarding's completion fails for this merchant only",
            [("update", "organisations", "id")],
            at_commit=True,
        )

    def phone_number_writes_fail(self, organisation_id: str) -> None:
        self._writes_fail(
            organisation_id,
            "n",
            "saving a phone number fails for this merchant only",
            [("insert", "phone_numbers", "org_id")],
        )

    def _writes_fail(
        self,
        organisation_id: str,
        tag: str,
        title: str,
        writes: list[tuple[str, str, str]],
        at_commit: bool = False,
    ) -> None:
        """Triggers that raise on the named writes (operations, table, organisation column)
        of this merchant's rows only; removed after the scenario. `at_commit`: the write itself
        succeeds and the transaction fails when it commits (a deferred constraint trigger), so
        whatever the transaction wrote after it is rolled back too."""
        org = str(uuid.UUID(organisation_id))  # validated: it is written into DDL
        name = f"{PREFIX}{tag}_{org.replace('-', '')}"
        when = (
            "after {operations} on {table} deferrable initially deferred"
            if at_commit
            else "before {operations} on {table}"
        )
        kind = "constraint trigger" if at_commit else "trigger"
        triggers = "".join(
            f"create {kind} {name} {when.format(operations=operations, table=table)}"
            f" for each row when (new.{column} = '{org}') execute function {name}();\n"
            for operations, table, column in writes
        )
        self._database.change(
            title,
            f"""
            {LOCK_ORGANISATIONS_FIRST}
            create function {name}() returns trigger language plpgsql as $$
            begin
              raise exception 'fault injected by the acceptance suite into %', tg_table_name;
            end $$;
            {triggers}
            """,
        )
        drops = "".join(f"drop trigger if exists {name} on {table};\n" for _, table, _ in writes)
        self._cleanup.add(
            "remove the injected write fault",
            lambda: self._database.change_quietly(
                f"{LOCK_ORGANISATIONS_FIRST}{drops}drop function if exists {name}();"
            ),
        )

    def onboarding_reads_fail(self, organisation_id: str) -> None:
        org = str(uuid.UUID(organisation_id))
        name = f"{PREFIX}r_{org.replace('-', '')}"
        # A restrictive policy whose check raises for this merchant's row only: every other
        # merchant reads as usual. (Superusers and table owners skip policies; the service
        # must not be one, which another scenario checks.)
        self._database.change(
            "reading onboarding records fails for this merchant only",
            f"""
            create function {name}() returns boolean language plpgsql volatile as $$
            begin
              raise exception 'fault injected by the acceptance suite into organisations';
            end $$;
            create policy {name} on organisations as restrictive for select to public
              using (case when id = '{org}' then {name}() else true end);
            """,
        )
        self._cleanup.add(
            "remove the injected read fault",
            lambda: self._database.change_quietly(
                f"""
                drop policy if exists {name} on organisations;
                drop function if exists {name}();
                """
            ),
        )
