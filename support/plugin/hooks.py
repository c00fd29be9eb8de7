"""The scenarios' hooks and fixtures: the selection's guards, each scenario's set-up and report
entries, the target and the drivers (loaded by support/plugin/scenarios.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import allure
import pytest

from support.builders.data import Builders, scenario_seed
from support.checks.leaks import LeakContext
from support.checks.orders import NOT_ALERTED
from support.clients.api import ApiClient
from support.clients.cache import Cache
from support.clients.database import Database
from support.clients.sign_in_records import forget_sign_in_failures, forget_sign_ups
from support.drivers.accounts import AccountsDriver
from support.drivers.faults import StoreFaults
from support.drivers.onboarding import OnboardingDriver
from support.drivers.platform import PlatformDriver
from support.drivers.wallet import PaymentEventsDriver, WalletDriver
from support.plugin.session import RUN
from support.plugin.start_up import target_is_up
from support.plugin.tags import apply_tag
from support.providers.fakes import ProviderFakes
from support.providers.payments import PaymentProviderFake
from support.providers.telephony import TelephonyProviderFake
from support.report.redaction import SECRETS
from support.report.titles import outline_example, scenario_title
from support.scenario.cast import Cast
from support.scenario.mistakes import Mistakes
from support.target.cleanup import Cleanup
from support.target.config import HarnessError, Mode
from support.target.run import LiveTarget, open_target
from support.target.run_state import RunState

FAKES = pytest.StashKey[ProviderFakes]()


@pytest.hookimpl(trylast=True)  # after -m and -k deselection: guard what will really run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[RUN]
    wanted = set(config.getoption("--requirement"))
    if wanted:
        keep = [i for i in items if {m.args[0] for m in i.iter_markers("requirement")} & wanted]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep
    if state.settings.mode is not Mode.REMOTE:
        return
    changing = [i for i in items if _is_scenario(i) and not i.get_closest_marker("read_only")]
    if changing and not state.settings.safe_for_tests:
        raise pytest.UsageError(
            f"{len(changing)} selected scenarios change the target's state, and "
            f"{state.settings.base_url} is not declared safe for tests: set "
            "TARGET_SAFE_FOR_TESTS=yes (or --target-safe-for-tests) for a test deployment, "
            "or select read-only scenarios with -m read_only."
        )
    skip = pytest.mark.skip(
        reason="programs the outside providers, which needs the service in the test process "
        "(embedded or external-services mode), not a remote target"
    )
    for item in items:
        if item.get_closest_marker("needs_provider_fakes"):
            item.add_marker(skip)


def _is_scenario(item: pytest.Item) -> bool:
    # pytest-bdd gives every scenario test this fixture (its example row, empty for plain ones).
    return "_pytest_bdd_example" in getattr(item, "fixturenames", ())


def pytest_bdd_apply_tag(tag: str, function):
    apply_tag(tag, function)
    return True


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature, scenario) -> None:
    allure.dynamic.parameter("faker seed", request.getfixturevalue("build").seed, excluded=True)
    example = outline_example(request.node)
    if example:
        # allure-pytest-bdd names every row of an outline after the scenario alone, so the
        # report's tree showed six rows of one name; the row's values tell them apart (as they
        # do in pytest's ids).
        allure.dynamic.title(scenario_title(scenario.name, example))
    if request.getfixturevalue("target").in_process:
        # Every scenario runs with the outside providers faked strictly, so that any call
        # nobody planned (in any scenario) fails it.
        request.getfixturevalue("providers")
        if any(step.name == NOT_ALERTED for step in scenario.steps):
            # Listening from the first step: a fixture is made when a step first asks for it,
            # so a log first asked for by this Then would have heard nothing, and passed.
            request.getfixturevalue("service_log")


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature, scenario) -> None:
    fakes = request.node.stash.get(FAKES, None)
    if fakes is None or not fakes.calls():
        return
    fakes.attach("Calls to outside providers")
    if sys.exc_info()[0] is None:  # a step already failed: keep its failure as the reason
        fakes.expect_nothing_unplanned()


# ---------------------------------------------------------------- fixtures: the run and target


@pytest.fixture(scope="session")
def run_state(pytestconfig: pytest.Config) -> RunState:
    state = pytestconfig.stash[RUN]
    SECRETS.add(state.jwt_secret)
    return state


@pytest.fixture(scope="session")
def live_target(run_state: RunState) -> Iterator[LiveTarget]:
    """What this test process started (or reaches), once: servers, the in-process service."""
    try:
        live = open_target(run_state)
    except HarnessError as error:
        pytest.exit(str(error), returncode=3)
    # What is loaded by now (pytest, the collected scenarios, the service's code) lives as long
    # as the process. Frozen, the garbage collector stops walking it on every full collection:
    # pytest's collections at the end of the run and Python's own at exit took 0.4 s of a
    # 3.2 s cold scenario, and a long run's full collections grew with it.
    target_is_up()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def database(live_target: LiveTarget) -> Iterator[Database]:
    db = Database(live_target.database_url)
    yield db
    db.close()


@pytest.fixture(scope="session")
def schema_names(database: Database) -> frozenset[str]:
    """Table names and underscored column names: words no error message may contain."""
    rows = database.read_quietly(
        "select table_name as name from information_schema.tables where table_schema = 'public'"
        " union select column_name from information_schema.columns"
        " where table_schema = 'public' and column_name like '%\\_%'"
    )
    return frozenset(row["name"].lower() for row in rows)


# ---------------------------------------------------------------- fixtures: one scenario


@pytest.fixture
def cleanup() -> Iterator[Cleanup]:
    undo = Cleanup()
    yield undo
    undo.run()


@pytest.fixture
def build(request: pytest.FixtureRequest, run_state: RunState) -> Builders:
    return Builders(scenario_seed(run_state.seed, request.node.nodeid))


@pytest.fixture
def api(target: LiveTarget) -> Iterator[ApiClient]:
    client = ApiClient(target.base_url)
    yield client
    client.close()


@pytest.fixture
def leaks(schema_names: frozenset[str]) -> LeakContext:
    return LeakContext(schema_names=schema_names)


@pytest.fixture
def accounts(api: ApiClient, database: Database, cache: Cache, cleanup: Cleanup) -> AccountsDriver:
    def remove_when_done(organisation_id: str) -> None:
        cleanup.add(
            f"remove merchant {organisation_id}",
            lambda: database.remove_quietly(
                "delete from organisations where id = %s", (organisation_id,)
            ),
        )

    def forget_failures(email: str) -> None:
        cleanup.add("forget the failed sign-ins", lambda: forget_sign_in_failures(cache, email))

    cleanup.add("forget the sign-ups counted", lambda: forget_sign_ups(cache))
    return AccountsDriver(api, remove_when_done, forget_failures)


@pytest.fixture
def onboarding(api: ApiClient) -> OnboardingDriver:
    return OnboardingDriver(api)


@pytest.fixture
def platform(api: ApiClient) -> PlatformDriver:
    return PlatformDriver(api)


@pytest.fixture
def cast(
    accounts: AccountsDriver, onboarding: OnboardingDriver, build: Builders, leaks: LeakContext
) -> Cast:
    return Cast(accounts, onboarding, build, leaks)


@pytest.fixture
def mistakes(
    accounts: AccountsDriver,
    onboarding: OnboardingDriver,
    platform: PlatformDriver,
    build: Builders,
    request: pytest.FixtureRequest,
) -> Mistakes:
    return Mistakes(
        accounts, onboarding, platform, build, lambda: request.getfixturevalue("token_secret")
    )


@pytest.fixture
def faults(database: Database, cleanup: Cleanup) -> StoreFaults:
    return StoreFaults(database, cleanup)


@pytest.fixture
def token_secret(run_state: RunState) -> str:
    if not run_state.jwt_secret:
        pytest.skip("forging tokens needs the target's signing secret: set JWT_SECRET")
    return run_state.jwt_secret


@pytest.fixture(scope="session")
def cache(live_target: LiveTarget) -> Iterator[Cache]:
    redis_client = Cache(live_target.redis_url)
    yield redis_client
    redis_client.close()


@pytest.fixture
def providers(request: pytest.FixtureRequest) -> Iterator[ProviderFakes]:
    """The outside providers, faked strictly for one scenario and reset when it ends."""
    fakes = ProviderFakes()
    fakes.start()
    request.node.stash[FAKES] = fakes
    yield fakes
    fakes.stop()


@pytest.fixture
def payment_provider(providers: ProviderFakes) -> PaymentProviderFake:
    return PaymentProviderFake(providers)


@pytest.fixture
def telephony_provider(providers: ProviderFakes, target: LiveTarget) -> TelephonyProviderFake:
    if target.providers is None:
        pytest.skip("the telephony provider can be faked only for an in-process service")
    return TelephonyProviderFake(providers, target.providers)


@pytest.fixture
def payment_events(
    api: ApiClient, target: LiveTarget, database: Database, cache: Cache, cleanup: Cleanup
) -> PaymentEventsDriver:
    def forget(event_id: str) -> None:
        cleanup.add(
            f"forget provider event {event_id}",
            lambda: (
                database.change_quietly(
                    "delete from payment_events where event_id = %s", (event_id,)
                ),
                cache.forget_quietly(f"payments:event:{event_id}"),
            ),
        )

    secret = target.providers.payments_webhook_secret if target.providers else None
    return PaymentEventsDriver(api, secret, on_delivery=forget)


@pytest.fixture
def wallet(
    api: ApiClient, payment_events: PaymentEventsDriver, request: pytest.FixtureRequest
) -> WalletDriver:
    return WalletDriver(api, lambda: request.getfixturevalue("payment_provider"), payment_events)
