"""`make defects` inside one pytest process: many defects, each against its own scenarios.

Loaded with `-p support.proof.defect_plugin --defect-plan=PLAN --defect-verdicts=OUT` by
support/proof/defect_run.py. PLAN (JSON) maps each defect to the requirements whose scenarios
must catch it. Every such scenario runs once per defect, with `defects_switched_on`
parametrised, so the process starts one in-process service per defect instead of one pytest
process per defect. The scenarios run defect by defect; when a defect's last scenario ends, its
verdict is appended to OUT as one JSON line (which the runner shows as progress). A scenario
catches a defect only when it fails on an expectation (an AssertionError), not when it crashes.

As mutation testing tools do, a defect's remaining scenarios are not run once one has caught it
(`--defect-every-scenario` runs them all, to list every scenario that catches it); and the
scenarios that caught it last time (`--defect-first=FILE`, JSON defect -> test ids, which the
runner keeps) run first, so that a defect still caught is usually caught by its first scenario.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.report.titles import outline_example, scenario_title

DEFECT = "defects_switched_on"
OUTCOMES = pytest.StashKey[dict[str, dict]]()
TITLE = pytest.StashKey[str]()
PASSED_OVER = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("defect run")
    group.addoption("--defect-plan", help="JSON: defect name -> requirement ids that catch it")
    group.addoption("--defect-verdicts", help="append one JSON line per defect's verdict here")
    group.addoption(
        "--defect-every-scenario",
        action="store_true",
        help="run every scenario of each defect, not only until one catches it",
    )
    group.addoption("--defect-first", help="JSON: defect name -> test ids to run first")


def _plan(config: pytest.Config) -> dict[str, list[str]]:
    return json.loads(Path(config.getoption("--defect-plan")).read_text())


def pytest_configure(config: pytest.Config) -> None:
    config.stash[OUTCOMES] = {
        name: {"defect": name, "caught_by": [], "caught_ids": [], "broken": [], "ran": 0}
        for name in _plan(config)
    }


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "_pytest_bdd_example" not in metafunc.fixturenames:
        return
    proves = {m.args[0] for m in metafunc.definition.iter_markers("requirement")}
    defects = [name for name, reqs in _plan(metafunc.config).items() if proves & set(reqs)]
    if defects:
        metafunc.parametrize(DEFECT, [(name,) for name in defects], ids=defects)


def _defect(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    chosen = callspec.params.get(DEFECT) if callspec else None
    return chosen[0] if chosen else None


def read_catches(path: str | Path | None) -> dict[str, list[str]]:
    """Defect name -> the test ids that caught it last time; empty when there is no record or
    it is damaged (which loses only the order it would give)."""
    found: object = {}
    if path:
        with contextlib.suppress(OSError, ValueError):
            found = json.loads(Path(path).read_text())
    return found if isinstance(found, dict) else {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    order = {name: i for i, name in enumerate(_plan(config))}
    first = read_catches(config.getoption("--defect-first"))
    keep = [item for item in items if _defect(item) is not None]
    config.hook.pytest_deselected(items=[item for item in items if _defect(item) is None])

    def place(item: pytest.Item) -> tuple[int, int]:
        defect = _defect(item)
        caught_it = item.nodeid in first.get(defect, ())
        return order[defect], 0 if caught_it else 1

    # Defect by defect, so that each defect's service starts once and stops before the next;
    # within a defect, the scenarios that caught it last time first (a stable sort keeps the
    # suite's order otherwise).
    items[:] = sorted(keep, key=place)
    outcomes = config.stash[OUTCOMES]
    for item in items:
        outcome = outcomes[_defect(item)]
        outcome["planned"] = outcome.get("planned", 0) + 1


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature, scenario) -> None:
    request.node.stash[TITLE] = scenario_title(scenario.name, outline_example(request.node))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    defect = _defect(item)
    if defect is None or not report.failed:
        return report
    outcome = item.config.stash[OUTCOMES][defect]
    name = item.stash.get(TITLE, item.name)
    failed_on_expectation = call.when == "call" and call.excinfo.errisinstance(AssertionError)
    outcome["caught_by" if failed_on_expectation else "broken"].append(name)
    if failed_on_expectation:
        outcome["caught_ids"].append(item.nodeid)
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """Once a scenario has caught the defect, its remaining scenarios are passed over (not run,
    not reported), unless every scenario was asked for."""
    defect = _defect(item)
    if defect is None or item.config.getoption("--defect-every-scenario"):
        return None
    outcome = item.config.stash[OUTCOMES].get(defect)
    if outcome is None or not outcome["caught_by"]:
        return None
    item.stash[PASSED_OVER] = True
    return True


# A second implementation of the same hook (pytest reads only names starting "pytest_").
@pytest.hookimpl(wrapper=True, specname="pytest_runtest_protocol")
def pytest_runtest_protocol_verdicts(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator:
    """After a defect's last scenario (run or passed over), its verdict is written."""
    result = yield
    defect = _defect(item)
    if defect is not None:
        outcomes = item.config.stash[OUTCOMES]
        if not item.stash.get(PASSED_OVER, False):
            outcomes[defect]["ran"] += 1
        if nextitem is None or _defect(nextitem) != defect:
            _write(item.config, outcomes.pop(defect))
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Defects whose scenarios never ran (none prove their requirements, or the run stopped).
    for outcome in session.config.stash[OUTCOMES].values():
        _write(session.config, outcome)
    session.config.stash[OUTCOMES] = {}


def _write(config: pytest.Config, outcome: dict) -> None:
    with Path(config.getoption("--defect-verdicts")).open("a") as verdicts:
        verdicts.write(json.dumps(outcome) + "\n")
