"""Reads the project's catalogues: requirements (ids and statements) and named service defects."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS_FILE = ROOT / "catalogue" / "requirements.toml"
DEFECTS_FILE = ROOT / "catalogue" / "defects.toml"


@cache
def requirements() -> dict[str, str]:
    """Requirement id -> one-line statement."""
    with REQUIREMENTS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {key: entry["statement"] for key, entry in data.items()}


@dataclass(frozen=True)
class DefectExpectation:
    name: str
    caught_by: tuple[str, ...]  # requirement ids whose scenarios must catch it
    # Or, for a defect no scenario can see (a run's query count on a shared database), the
    # pytest tests (node ids) that must fail on it instead of the scenarios.
    tests: tuple[str, ...] = ()


@cache
def defect_expectations() -> dict[str, DefectExpectation]:
    with DEFECTS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        name: DefectExpectation(
            name, tuple(entry["caught_by"]), tuple(entry.get("caught_by_tests", ()))
        )
        for name, entry in data.items()
    }
