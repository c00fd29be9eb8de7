"""A pytest plugin for tests/harness/test_step_lookup.py: every step looked up by the suite's
faster lookup is also looked up by pytest-bdd's own, and a difference fails the scenario."""

from __future__ import annotations

import importlib

import pytest

COMPARED: list[str] = []


def _lookup():
    # Imported once pytest has loaded it as a plugin (importing it first skips its rewriting).
    return importlib.import_module("support.plugin.step_lookup")


def _compared(step, fixturemanager, node):
    lookup = _lookup()
    ours = list(lookup.find_fixturedefs_for_step(step, fixturemanager, node))
    theirs = list(lookup.bdd_own_lookup(step=step, fixturemanager=fixturemanager, node=node))
    names = [[d.argname for d in found] for found in (ours, theirs)]
    assert ours == theirs, f"{step.keyword} {step.name}: ours {names[0]}, pytest-bdd's {names[1]}"
    COMPARED.append(step.name)
    return iter(ours)


def pytest_configure(config: pytest.Config) -> None:
    _lookup().bdd_scenario.find_fixturedefs_for_step = _compared


def pytest_terminal_summary(terminalreporter) -> None:
    terminalreporter.write_line(f"steps compared: {len(COMPARED)}, distinct: {len(set(COMPARED))}")
