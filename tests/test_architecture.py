"""The service and the harness stand in layers with no import circle (import-linter contracts in
pyproject.toml), and the check really fails when someone adds a circle."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


# Each: imports added to a copy of the tree (file, line), and what lint-imports must then say.
BROKEN_TREES = {
    # The circle this project once had: settings reaching up to the defect catalogue.
    "a circle in the service": (
        [("service/core/settings.py", "from service.defects import CATALOGUE")],
        "service.core.settings -> service.defects",
    ),
    "a circle in the harness": (
        [("support/report/evidence.py", "import support.clients.api")],
        "support.report.evidence -> support.clients.api",
    ),
    # Orders and refunds both sit in the domain layer, so the layer contracts alone allow this.
    "a circle inside one layer": (
        [
            ("service/domain/refunds.py", "import service.domain.orders"),
            ("service/domain/orders.py", "import service.domain.refunds"),
        ],
        "No cycles are allowed in service.domain",
    ),
    "a second tie from the harness into the service": (
        [("support/drivers/orders.py", "import service.domain.orders")],
        "support.drivers.orders -> service.domain.orders",
    ),
}


@pytest.mark.parametrize("breakage", list(BROKEN_TREES))
def test_an_import_that_breaks_the_layers_is_caught(tmp_path, breakage):
    imports, said = BROKEN_TREES[breakage]
    tree = copy_of_the_tree(tmp_path)
    for name, line in imports:
        module = tree / name
        module.write_text(module.read_text() + f"\n{line}  # noqa\n")
    done = lint_imports(tree)
    assert done.returncode != 0
    assert said in done.stdout, done.stdout[-2000:]
