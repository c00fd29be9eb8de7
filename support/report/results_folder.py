"""Writes the report's environment and failure categories, and audits the results for secrets."""

from __future__ import annotations

import json
import os
import platform
import re
from importlib.metadata import version
from pathlib import Path

from support.report.redaction import SecretsFinder

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


# What an xdist worker leaves beside its secrets: the files it audited itself, and what it found.
AUDITED = ".audited"


def leaked_secrets(results: Path, secrets_dir: Path, own: list[str]) -> list[str]:
    """`file: kind` for every result file holding a secret: any value a process of the run
    registered as secret, or anything shaped like a bearer token, a provider's API key or
    signing secret, or a card number. The files a worker audited itself as it finished
    (`audit_own_files`) are not read again: its findings are taken as they are."""
    values = set(own)
    for path in secrets_dir.glob("*.json"):
        values.update(json.loads(path.read_text()))
    audited: set[str] = set()
    offenders = []
    for path in secrets_dir.glob(f"*{AUDITED}"):
        report = json.loads(path.read_text())
        audited.update(report["files"])
        offenders.extend(report["offenders"])
    with os.scandir(results) as entries:
        rest = [entry.name for entry in entries if entry.is_file() and entry.name not in audited]
    return sorted(offenders + _audit(results, rest, values))


def audit_own_files(
    results: Path, names: list[str], values: list[str], secrets_dir: Path, worker: str
) -> None:
    """A worker's part of the audit: the files it wrote, against every secret it saw. Done as
    each worker finishes, the workers share the audit (0.35 s of a whole run's results, which
    the controlling process did alone after the last worker had finished)."""
    report = {"files": names, "offenders": _audit(results, names, set(values))}
    Path(secrets_dir, f"{worker}{AUDITED}").write_text(json.dumps(report))


def _audit(results: Path, names: list[str], values: set[str]) -> list[str]:
    # Thousands of values against thousands of files (9 MB for a whole run): an Aho-Corasick
    # automaton finds them all in one pass per file. Testing each value against each file took
    # about 7 s at the end of every reported run. Each file is read as bytes, as it is: its text
    # holds a value exactly when its UTF-8 bytes hold the value's, and decoding each file took
    # as long as searching it.
    finder = SecretsFinder.of(values)
    offenders = []
    for name in sorted(names):
        try:
            with open(results / name, "rb") as file:
                data = file.read()
        except FileNotFoundError:  # named by a worker, then gone: nothing left to leak
            continue
        found = finder.found_in_bytes(data) if finder else set()
        kinds = {_kind_of(value) for value in found}
        kinds.update(
            kind
            for kind, shape in _SHAPES_IN_BYTES.items()
            if SHAPE_MARKS[kind] in data and shape.search(data)
        )
        if any(_luhn(match.group(0)) for match in CARD_NUMBER.finditer(data)):
            kinds.add("card data")
        offenders.extend(f"{name}: {kind}" for kind in sorted(kinds))
    return offenders


# What a secret looks like, whoever made it (so that a secret no process registered, such as a
# merchant's signing secret or a card number, is found as well).
SHAPES = {
    "a bearer token": r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}",
    "a provider API key": r"\b[sr]k_(?:test|live)_[A-Za-z0-9]{16,}",
    "a signing secret": r"\bwhsec_[A-Za-z0-9]{16,}",
}
# Searched in a file's bytes. There \w and \b know ASCII letters only, so a shape (spelled in
# ASCII, as each is) beside a letter of another alphabet is found where a search of the text
# would pass it by: never less.
_SHAPES_IN_BYTES = {kind: re.compile(shape.encode()) for kind, shape in SHAPES.items()}
# A piece of each shape: most files hold none, and need no regular expression.
SHAPE_MARKS = {"a bearer token": b"eyJ", "a provider API key": b"k_", "a signing secret": b"whsec_"}
# 15 to 19 digits, perhaps in groups, standing alone (not part of an id such as a UUID): 13-digit
# runs are left out, since millisecond times are, and so are digits after a plus sign, since an
# international phone number of 15 digits passes the card checksum one time in ten.
# The look behind comes after the first digit, so that the search only starts at digits (a
# pattern that starts with a look behind is tried at every position of every file: 0.56 s of a
# 14 MB results folder, against 0.2 s). In bytes, digits are ASCII digits: a card number is
# written in them.
CARD_NUMBER = re.compile(rb"\d(?<![\w.+-]\d)(?:[ -]?\d){14,18}(?![\w.-])")


def _kind_of(value: str) -> str:
    for kind, shape in SHAPES.items():
        if re.search(shape, value):
            return kind
    return "a password or secret the run used"


def _luhn(number: bytes) -> bool:
    digits = [digit - 48 for digit in number if 48 <= digit <= 57]  # the ASCII digits' values
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
