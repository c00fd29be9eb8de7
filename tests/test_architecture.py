"""The service and the harness stand in layers with no import circle (import-linter contracts in
pyproject.toml), and the check really fails when someone adds a circle."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from support.proof.catalogues import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=60
    )


def test_the_layers_hold_on_this_tree():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
    assert "0 broken" in done.stdout


def copy_of_the_tree(tmp_path: Path) -> Path:
    for name in ("service", "support", "steps"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_a_circle_in_the_service_is_caught(tmp_path):
    tree = copy_of_the_tree(tmp_path)
    settings = tree / "service" / "core" / "settings.py"
    # The circle this project once had: settings reaching up to the defect catalogue.
    settings.write_text(settings.read_text() + "\nfrom service.defects import CATALOGUE  # noqa\n")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert "service.core.settings -> service.defects" in done.stdout, done.stdout[-2000:]


def test_a_circle_in_the_harness_is_caught(tmp_path):
    tree = copy_of_the_tree(tmp_path)
    evidence = tree / "support" / "report" / "evidence.py"
    evidence.write_text(evidence.read_text() + "\nimport support.clients.api  # noqa\n")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert "support.report.evidence -> support.clients.api" in done.stdout, done.stdout[-2000:]


def test_a_circle_inside_one_layer_is_caught(tmp_path):
    # Orders and refunds both sit in the domain layer, so the layer contracts alone allow this.
    tree = copy_of_the_tree(tmp_path)
    refunds = tree / "service" / "domain" / "refunds.py"
    refunds.write_text(refunds.read_text() + "\nimport service.domain.orders  # noqa\n")
    orders = tree / "service" / "domain" / "orders.py"
    orders.write_text(orders.read_text() + "\nimport service.domain.refunds  # noqa\n")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert "No cycles are allowed in service.domain" in done.stdout, done.stdout[-2000:]


def test_a_second_tie_from_the_harness_into_the_service_is_caught(tmp_path):
    tree = copy_of_the_tree(tmp_path)
    driver = tree / "support" / "drivers" / "orders.py"
    driver.write_text(driver.read_text() + "\nimport service.domain.orders  # noqa\n")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert "support.drivers.orders -> service.domain.orders" in done.stdout, done.stdout[-2000:]
