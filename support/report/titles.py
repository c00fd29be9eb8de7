"""How a scenario is named for people: its title, and an outline row's example values."""

from __future__ import annotations

import pytest


def outline_example(item: pytest.Item) -> dict[str, str]:
    """The example row a Scenario Outline's test runs with (empty for a plain scenario)."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("_pytest_bdd_example", {}) if callspec else {}


def scenario_title(name: str, example: dict[str, str]) -> str:
    """The scenario's name, and for an outline row its values: "The wizard has only steps 0 to
    4 [5]" (allure-pytest-bdd names every row after the scenario alone)."""
    return f"{name} [{', '.join(example.values())}]" if example else name
