"""Finds each step's definitions once per module, not once per step of every scenario.

pytest-bdd 9 looks a step's definition up by walking every fixture name the session knows and
asking pytest which of that name's definitions the scenario can see, then matching the step's
text against each step definition's parser. It does so for every step of every scenario:
profiled, about a tenth of a serial run's CPU, and a quarter of the test thread's, since this
suite registers hundreds of step definitions.

What that walk finds depends only on the step's kind and text and on where the scenario lives:
step definitions are registered once, as plugins and module fixtures, while collecting; the
fixtures pytest-bdd registers per scenario (target fixtures, the step being run) are values, not
step definitions, and never match. So the answer is kept per (kind, text, module), and the
walk runs once for each.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from _pytest.fixtures import FixtureDef, FixtureManager
from _pytest.nodes import Node
from pytest_bdd.parser import Step

# The module, not the function of the same name that the package exports.
bdd_scenario = importlib.import_module("pytest_bdd.scenario")
_walk_every_fixture = bdd_scenario.find_fixturedefs_for_step
_found: dict[tuple[object, str, str, int], tuple[FixtureDef[object], ...]] = {}


def find_fixturedefs_for_step(
    step: Step, fixturemanager: FixtureManager, node: Node
) -> Iterable[FixtureDef[object]]:
    key = (step.type, step.name, node.nodeid.partition("::")[0], id(fixturemanager))
    found = _found.get(key)
    if found is None:
        found = tuple(_walk_every_fixture(step=step, fixturemanager=fixturemanager, node=node))
        _found[key] = found
    return iter(found)


bdd_scenario.find_fixturedefs_for_step = find_fixturedefs_for_step
