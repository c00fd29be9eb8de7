"""Only processes that run tests load the scenarios' plugins (support/plugin/session.py); each
step's words are defined once; and `pytest --fixtures` lists the suite's fixtures."""

from __future__ import annotations

import collections
import importlib

import pytest

from support.plugin import scenarios
from support.proof.sub_runs import run_embedded

PROBE = ("tests/harness/scenario_fixture_probe.py", "-p", "tests.harness.loading_probe")
EVERYTHING = "support.plugin.hooks, steps.billing_steps, faker, psycopg, stripe"


def test_xdist_controller_imports_none_of_the_scenarios_modules():
    run = run_embedded(*PROBE, "-n", "2", "-p", "no:randomly")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" not in run.stdout and "1 passed" in run.stdout
    assert "controller imported: none of them" in run.stdout, run.stdout[-3000:]


@pytest.mark.parametrize(
    "options",
    [(), ("-n", "0"), ("-p", "no:xdist")],
    ids=["serial", "-n 0", "without xdist"],
)
def test_a_process_that_runs_tests_has_the_scenarios_plugins(options):
    run = run_embedded(*PROBE, "-p", "no:randomly", *options)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
    assert f"runner imported: {EVERYTHING}" in run.stdout, run.stdout[-3000:]


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
    for name in scenarios.pytest_plugins:
        module = importlib.import_module(name)
        for attribute in vars(module):
            if attribute.startswith("pytestbdd_stepdef_"):
                where[attribute.removeprefix("pytestbdd_stepdef_")].append(name)
    twice = {step: modules for step, modules in where.items() if len(modules) > 1}
    assert not twice, twice
