"""What every pytest process of a run does, xdist's controlling process included.

The options, the run's decisions (target, seed, token secret) and handing them to xdist's
workers, the report's header, and the end-of-run audit of the report for secrets. The
scenarios' own hooks, fixtures and steps (support/plugin/scenarios.py) are loaded as the run
is configured, only in a process that runs tests: a serial run, or each xdist worker.

xdist's controlling process runs no test, yet it used to import them all before it could start
its workers: Faker, httpx, redis, psycopg, the payment SDK, the drivers and the steps. Its
workers started 1.1 s into a `-n 2` run, after 1.0 s of the controller's CPU; now 0.5 s in,
after 0.5 s.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from support.report import recycling
from support.report.redaction import SECRETS
from support.report.results_folder import audit_own_files, leaked_secrets, write_environment
from support.target import config as target_config
from support.target.config import HarnessError, Mode
from support.target.run_state import RunState, leave_secrets, new_jwt_secret

SCENARIO_PLUGINS = "support.plugin.scenarios"

RUN = pytest.StashKey[RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("merchant platform target")
    group.addoption("--base-url", help="a deployed service to test (env BASE_URL)")
    group.addoption("--database-url", help="PostgreSQL of the target (env DATABASE_URL)")
    group.addoption("--redis-url", help="Redis of the target (env REDIS_URL)")
    group.addoption(
        "--target-safe-for-tests",
        action="store_true",
        help="declare a remote target safe for scenarios that change state "
        "(env TARGET_SAFE_FOR_TESTS=yes)",
    )
    group.addoption("--merchant-seed", type=int, help="replay a run's test data (see the report)")
    group.addoption(
        "--defects",
        default=os.environ.get("SERVICE_DEFECTS", ""),
        help="comma-separated catalogued defects to switch on in the in-process service",
    )
    group.addoption(
        "--requirement",
        action="append",
        default=[],
        help="run only the scenarios that prove this requirement id (repeatable)",
    )


def _worker_id(config: pytest.Config) -> str | None:
    workerinput = getattr(config, "workerinput", None)
    return workerinput["workerid"] if workerinput else None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    results = config.getoption("--alluredir", None)
    if results:
        # Before Allure's own configure, which would remove the old results file by file and
        # create every new one (support/report/recycling.py says why that is slow).
        recycling.install()
        if workerinput is None:
            if config.getoption("--clean-alluredir", False):
                recycling.set_aside(Path(results))
            config.add_cleanup(lambda: recycling.remove_leftovers(Path(results)))
    if workerinput is not None:
        config.stash[RUN] = RunState.from_json(workerinput["merchant_run"])
    else:
        try:
            config.stash[RUN] = _decide_run(config)
        except HarnessError as error:
            raise pytest.UsageError(str(error)) from None
    if not controls_workers(config):
        config.pluginmanager.import_plugin(SCENARIO_PLUGINS)


def _decide_run(config: pytest.Config) -> RunState:
    settings = target_config.resolve(
        base_url=config.getoption("--base-url"),
        database_url=config.getoption("--database-url"),
        redis_url=config.getoption("--redis-url"),
        safe_for_tests=config.getoption("--target-safe-for-tests"),
    )
    defects = tuple(d.strip() for d in config.getoption("--defects").split(",") if d.strip())
    if defects and settings.mode is Mode.REMOTE:
        raise HarnessError("--defects switches defects on in the in-process service only.")
    if settings.mode is not Mode.EMBEDDED:
        # Imported here: the database and Redis clients are not the embedded default's to pay
        # for in a controlling process (the module's docstring).
        from support.target import probes

        probes.check_database(settings.database_url)
        probes.check_redis(settings.redis_url)
        if settings.mode is Mode.REMOTE:
            probes.check_service(settings.base_url)
    seed = config.getoption("--merchant-seed")
    secrets_dir = tempfile.mkdtemp(prefix="mps-secrets-")
    config.add_cleanup(lambda: shutil.rmtree(secrets_dir, ignore_errors=True))
    return RunState(
        settings=settings,
        jwt_secret=new_jwt_secret(settings),
        seed=seed if seed is not None else random.randrange(2**31),
        defects=defects,
        secrets_dir=secrets_dir,
    )


def _run_facts(state: RunState) -> dict[str, str]:
    settings = state.settings
    return {
        "Target": settings.mode.value,
        "Service": settings.base_url or "reference service, started in-process",
        "Defects switched on": ", ".join(state.defects) or "none",
        "Run seed": str(state.seed),
        "Replay with": f"--merchant-seed {state.seed}",
    }


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput["merchant_run"] = node.config.stash[RUN].to_json()


def controls_workers(config: pytest.Config) -> bool:
    """Whether this process is xdist's controller, which starts workers and runs no test.

    Decided as the run is configured, with xdist's own test (its `_is_distribution_mode`, after
    its command-line hook has had its say on `-n auto --pdb` and the like), so that the
    scenarios' plugins are registered where conftest's plugins always were: before the plugins
    other plugins register while configuring. Hook order follows registration, and Allure's
    listener must wrap the target's watch to record the failure as the watch rewrites it
    (tests/harness/test_target_dies.py).
    """
    option = config.option
    if hasattr(config, "workerinput") or getattr(option, "collectonly", False):
        return False
    if getattr(option, "showfixtures", False) or getattr(option, "show_fixtures_per_test", False):
        return False  # the fixtures are listed by this process
    return getattr(option, "dist", "no") != "no" and bool(getattr(option, "tx", None))


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    # Should xdist ever decide otherwise, a process that runs tests still gets their plugins.
    manager = session.config.pluginmanager
    if not manager.hasplugin("dsession") and not manager.hasplugin(SCENARIO_PLUGINS):
        manager.import_plugin(SCENARIO_PLUGINS)


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash[RUN]
    target = state.settings.base_url or f"reference service in-process ({state.settings.mode})"
    lines = [f"merchant platform target: {target}; run seed {state.seed}"]
    if state.defects:
        lines.append(f"defects switched on: {', '.join(state.defects)}")
    return lines


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(RUN, None)
    if state is None:
        return
    worker = _worker_id(config)
    results = config.getoption("--alluredir", None)
    if worker is not None:
        leave_secrets(state, worker)
        if results:
            secrets_dir = Path(state.secrets_dir)
            audit_own_files(Path(results), recycling.WRITTEN, SECRETS.values(), secrets_dir, worker)
        return
    if not results:
        return
    # Written last: xdist workers clean the results folder when they start.
    write_environment(Path(results), _run_facts(state))
    offenders = leaked_secrets(Path(results), Path(state.secrets_dir), SECRETS.values())
    if offenders:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        message = (
            f"A secret seen during the run appears in {len(offenders)} report file(s) "
            f"({', '.join(offenders[:5])}): the report must not be shared until redaction is fixed."
        )
        if reporter:
            reporter.ensure_newline()
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
