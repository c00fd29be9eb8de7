"""The report audit finds every kind of secret in the results folder, naming file and kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.proof.sub_runs import run_embedded
from support.report.results_folder import leaked_secrets

TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)


def audit(tmp_path: Path, files: dict[str, str], seen: list[str] = ()) -> list[str]:
    results, secrets_dir = tmp_path / "results", tmp_path / "secrets"
    results.mkdir()
    secrets_dir.mkdir()
    (secrets_dir / "gw0.json").write_text(json.dumps(list(seen)))
    for name, text in files.items():
        (results / name).write_text(text)
    return leaked_secrets(results, secrets_dir, [])


# Files are searched as bytes: each secret is found alone and straight beside letters of other
# alphabets, and a value written in such letters is found by its UTF-8 bytes.
@pytest.mark.parametrize(("before", "after"), [("", ""), ("é", "ü"), ("Ω", "✓")])
def test_each_kind_of_secret_is_named_with_its_file(tmp_path: Path, before, after) -> None:
    found = audit(
        tmp_path,
        {
            "a-attachment.json": f'{{"Authorization": "Bearer {before}{TOKEN}{after}"}}',
            "b-attachment.txt": f"API_KEY={before}sk_test_4eC39HqLyjWDarjtT1zdp7dc4eC39HqL{after}",
            "c-attachment.txt": f"{before}whsec_5d8f0a9c1b2e4f6a8c0d2e4f6a8c0d2e{after} secret",
            "d-attachment.json": f'{{"card": "{before}4242 4242 4242 4242{after}"}}',
            "e-result.json": f'{{"password": "{before}correct horse battery{after}"}}',
            "f-result.json": f'{{"password": "{before}pässwörd-ünïcode{after}"}}',
        },
        seen=["correct horse battery", "pässwörd-ünïcode"],
    )
    assert found == [
        "a-attachment.json: a bearer token",
        "b-attachment.txt: a provider API key",
        "c-attachment.txt: a signing secret",
        "d-attachment.json: card data",
        "e-result.json: a password or secret the run used",
        "f-result.json: a password or secret the run used",
    ]


def test_what_only_looks_like_a_secret_is_not_reported(tmp_path: Path) -> None:
    found = audit(
        tmp_path,
        {
            # Millisecond times, ids, a redacted token and a number that fails the card checksum.
            "result.json": '{"start": 1795383687123, "stop": 1795383687456, '
            '"uuid": "eb6ae877-504e-4892-9368-3605100720cf", '
            '"headers": {"Authorization": "Bearer «redacted»"}, "amount": 4242424242424241}',
        },
    )
    assert found == []


def test_an_international_phone_number_is_not_card_data(tmp_path: Path) -> None:
    # Both pass the card checksum: one is a merchant's phone number, the other is not.
    found = audit(
        tmp_path,
        {
            "a-result.json": '{"name": "phone_number", "value": "\'+441234567890126\'"}',
            "b-result.json": '{"value": "441234567890126 4412345678901235"}',
        },
    )
    assert found == ["b-result.json: card data"]


def test_workers_audit_their_own_files_and_the_rest_is_audited_at_the_end(tmp_path: Path) -> None:
    from support.report.results_folder import audit_own_files

    results, secrets_dir = tmp_path / "results", tmp_path / "secrets"
    results.mkdir()
    secrets_dir.mkdir()
    files = {
        "gw0-attachment.txt": "gw0-secret-value and a card 4242 4242 4242 4242",
        "gw0-result.json": "nothing to see",
        "gw1-attachment.txt": "gw1-secret-value",  # gw1 was killed: it audited nothing
        "environment.properties": "Target=embedded gw1-secret-value",
    }
    for name, text in files.items():
        (results / name).write_text(text)
    audit_own_files(
        results, ["gw0-attachment.txt", "gw0-result.json"], ["gw0-secret-value"], secrets_dir, "gw0"
    )
    (secrets_dir / "gw0.json").write_text(json.dumps(["gw0-secret-value"]))
    (secrets_dir / "gw1.json").write_text(json.dumps(["gw1-secret-value"]))

    assert leaked_secrets(results, secrets_dir, []) == [
        "environment.properties: a password or secret the run used",
        "gw0-attachment.txt: a password or secret the run used",
        "gw0-attachment.txt: card data",
        "gw1-attachment.txt: a password or secret the run used",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("processes", ["0", "2"])
def test_a_run_whose_report_shows_a_token_fails(tmp_path: Path, processes: str) -> None:
    # With -n 2 each worker audits the files it wrote; serial, the one process audits them all.
    run = run_embedded(
        "steps", "-q", "-p", "no:randomly", "-p", "tests.report.leaky_evidence",
        "-k", "the_whole_balance_can_be_spent or wizard_has_only", "-n", processes,
        f"--alluredir={tmp_path / 'allure-results'}",
    )  # fmt: skip
    assert run.returncode != 0, run.stdout[-2000:]
    assert "A secret seen during the run appears in" in run.stdout, run.stdout[-2000:]
    assert "a bearer token" in run.stdout and "passed" in run.stdout, run.stdout[-2000:]
