"""Writes the report's environment and failure categories, and audits the results for secrets."""

from __future__ import annotations

import json
import platform
from importlib.metadata import version
from pathlib import Path

# One list for both report builders: Allure 2 reads it from the results folder, and Allure 3
# from allurerc.mjs, which loads this same file.
CATEGORIES_FILE = Path(__file__).with_name("categories.json")


def write_environment(results: Path, run_facts: dict[str, str]) -> None:
    """The run's facts (target, seed, defects...) plus the versions that built the results."""
    results.mkdir(parents=True, exist_ok=True)
    facts = {
        **run_facts,
        "Python": platform.python_version(),
        "pytest-bdd": version("pytest-bdd"),
        "allure-pytest-bdd": version("allure-pytest-bdd"),
    }
    # Java properties syntax: a space inside a key is escaped.
    lines = [f"{key.replace(' ', chr(92) + ' ')}={value}" for key, value in facts.items()]
    (results / "environment.properties").write_text("\n".join(lines) + "\n")
    (results / "categories.json").write_text(CATEGORIES_FILE.read_text())


def leaked_secrets(results: Path, secrets_dir: Path, own: list[str]) -> list[str]:
    """Names of result files that contain any secret seen by any process of the run."""
    values = set(own)
    for path in secrets_dir.glob("*.json"):
        values.update(json.loads(path.read_text()))
    values = {v for v in values if len(v) >= 8}
    offenders = []
    for path in sorted(results.glob("*")):
        if not path.is_file():
            continue
        text = path.read_text("utf-8", "replace")
        if any(value in text for value in values):
            offenders.append(path.name)
    return offenders
