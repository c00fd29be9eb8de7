"""Finds each step's definitions once per module, not once per step of every scenario.

pytest-bdd 9 looks a step's definition up by walking every fixture name the session knows and
asking pytest which of that name's definitions the scenario can see, then matching the step's
text against each step definition's parser. It does so for every step of every scenario:
profiled, about a tenth of a serial run's CPU, and a quarter of the test thread's, since this
suite registers hundreds of step definitions.

What that walk finds depends only on the step's kind and text and on where the scenario lives:
step definitions are registered once, as plugins and module fixtures, while collecting; the
fixtures pytest-bdd registers per scenario (target fixtures, the step being run) are values, not
step definitions, and never match. So the step definitions a module's scenarios see are listed
once per module, and the answer is kept per (kind, text, module).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from _pytest.fixtures import FixtureDef, FixtureManager
from _pytest.nodes import Node
from pytest_bdd.parser import Step

# The module, not the function of the same name that the package exports.
bdd_scenario = importlib.import_module("pytest_bdd.scenario")
# pytest-bdd's own lookup, kept so that a harness test can compare the two on real scenarios.
bdd_own_lookup = bdd_scenario.find_fixturedefs_for_step
_found: dict[tuple[object, str, str, int], tuple[FixtureDef[object], ...]] = {}
_visible: dict[tuple[str, int], tuple[tuple[FixtureDef[object], object], ...]] = {}


def _step_definitions(
    fixturemanager: FixtureManager, node: Node, module: str
) -> tuple[tuple[FixtureDef[object], object], ...]:
    """Every step definition the scenarios of this module can see, with its context, in the
    order pytest-bdd's own walk meets them: worked out once per module, since asking pytest
    which definitions of each name a scenario sees was most of the walk's cost."""
    key = (module, id(fixturemanager))
    if key not in _visible:
        contexts = bdd_scenario.step_function_context_registry
        _visible[key] = tuple(
            (fixturedef, context)
            for name in bdd_scenario.get_fixture_names(fixturemanager=fixturemanager)
            for fixturedef in bdd_scenario.getfixturedefs(fixturemanager, name, node) or []
            if (context := contexts.get(fixturedef.func)) is not None
        )
    return _visible[key]


def find_fixturedefs_for_step(
    step: Step, fixturemanager: FixtureManager, node: Node
) -> Iterable[FixtureDef[object]]:
    """pytest-bdd's own lookup (same tests, same order), over the module's step definitions."""
    module = node.nodeid.partition("::")[0]
    key = (step.type, step.name, module, id(fixturemanager))
    found = _found.get(key)
    if found is None:
        found = tuple(
            fixturedef
            for fixturedef, context in _step_definitions(fixturemanager, node, module)
            if (context.type is None or context.type == step.type)
            and context.parser.is_matching(step.name)
        )
        _found[key] = found
    return iter(found)


bdd_scenario.find_fixturedefs_for_step = find_fixturedefs_for_step
