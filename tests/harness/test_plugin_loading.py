"""Each step's words are defined once, and `pytest --fixtures` lists the suite's fixtures."""

from __future__ import annotations

import collections
import importlib

import pytest

import conftest
from support.proof.sub_runs import run_embedded

STEP_MODULES = [name for name in conftest.pytest_plugins if name.startswith("steps.")]


@pytest.mark.parametrize("options", [(), ("-n", "2")], ids=["serial", "-n 2"])
def test_fixtures_lists_the_suites_fixtures(options):
    run = run_embedded("--fixtures", "steps", *options, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    listed = {line.split(" ", 1)[0] for line in run.stdout.splitlines()}
    assert {"accounts", "wallet", "cast", "build", "target"} <= listed, run.stdout[-3000:]


def test_each_steps_words_are_defined_once():
    # Every step module is a plugin for every feature: a second definition of the same words
    # silently replaces the first, and breaks `pytest --fixtures` (two fixtures of one name).
    where = collections.defaultdict(list)
    for name in STEP_MODULES:
        module = importlib.import_module(name)
        for attribute in vars(module):
            if attribute.startswith("pytestbdd_stepdef_"):
                where[attribute.removeprefix("pytestbdd_stepdef_")].append(name)
    twice = {step: modules for step, modules in where.items() if len(modules) > 1}
    assert not twice, twice
