"""Schemathesis fuzzes the service against its own OpenAPI document: anyone, and a merchant.

Every operation gets FUZZ_EXAMPLES generated requests (valid and invalid; `make test` keeps it
small, `make fuzz` runs long) against the embedded in-process service, with the outside
providers faked as in the scenarios, so that top-ups and phone numbers get past validation. The
checks are Schemathesis's own (no server error, status, headers and body as documented,
invalid input refused, authentication not ignored) and one of ours: no refusal shows internals.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from support.builders.data import Builders
from support.checks.leaks import LeakContext, find_leaks
from support.clients.database import Database
from support.drivers.accounts import AccountsDriver
from support.drivers.wallet import WalletDriver
from support.providers.fakes import ProviderFakes
from support.providers.payments import PaymentProviderFake
from support.providers.telephony import TelephonyProviderFake
from support.target.cleanup import Cleanup
from support.target.run import LiveTarget

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# `make test` fuzzes the same examples every run, so that a red build always means a change
# broke something; `make fuzz` (FUZZ_RANDOM=1) explores new ones each time, and each failure it
# finds prints the seed that reproduces it.
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
CREDIT_PENCE = 100_000  # the most one top-up takes: enough for charges and a phone number
CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"

# Schemathesis and Hypothesis are imported only where they run (not at collection), so that the
# other test processes do not pay for them.


@pytest.fixture(scope="module")
def api_document(live_target: LiveTarget):
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    if not live_target.in_process:
        pytest.skip("fuzzing needs the service in-process, where its providers are faked")
    return schemathesis.openapi.from_url(
        f"{live_target.base_url}/openapi.json", config=SchemathesisConfig.from_path(CONFIG)
    )


@pytest.fixture
def providers_answer(
    providers: ProviderFakes,
    target: LiveTarget,
    payment_provider: PaymentProviderFake,
    telephony_provider: TelephonyProviderFake,
) -> None:
    """The providers take payments and sell numbers; the fuzzer's own calls reach the service
    (Schemathesis sends them with `requests`, which the provider fakes intercept)."""
    providers.mock.add_passthru(target.base_url)
    payment_provider.accepts_payment_intents()
    telephony_provider.sells_numbers()


@pytest.fixture
def fuzz(
    api_document, providers_answer: None, database: Database, cleanup: Cleanup, schema_names
) -> Callable[[dict[str, str]], None]:
    """Fuzz every operation, valid and invalid input, with these headers; fail listing every
    operation whose answers break the document, after trying them all."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    fuzzing = settings(
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        deadline=None,
        database=None,  # nothing kept between runs: every run starts from the document alone
        phases=(Phase.explicit, Phase.generate),  # the first failing example is reported
        suppress_health_check=list(HealthCheck),
    )
    leaks = LeakContext(schema_names=schema_names)

    def no_internals_in_refusals(ctx, response, case) -> None:
        if response.status_code >= 400:
            found = find_leaks(response.text, leaks)
            assert not found, f"The refusal shows {', '.join(found)}: {response.text[:300]}"

    def forget_signed_up(response) -> None:
        """Merchants the fuzzer signs up are removed when the test ends."""
        if response.status_code == 201 and response.request.path_url.endswith("/auth/signup"):
            organisation = response.json()["organisation"]["id"]
            cleanup.add(
                f"remove merchant {organisation}",
                lambda: database.change_quietly(
                    "delete from organisations where id = %s", (organisation,)
                ),
            )

    def run(headers: dict[str, str]) -> None:
        __tracebackhide__ = True  # its headers hold a token
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        for found in api_document.get_all_operations():
            operation = found.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @fuzzing
                # Headers given here are fixed: invalid cases never lose them.
                @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
                def attempt(case) -> None:
                    response = case.call_and_validate(additional_checks=[no_internals_in_refusals])
                    statuses[response.status_code] += 1
                    forget_signed_up(response)

                try:
                    attempt()
                except Unsatisfiable:
                    continue  # nothing to make invalid: an operation that takes no input
                except (Exception, BaseExceptionGroup) as failure:  # one line each, then on
                    failures.append(f"{operation.label} ({mode.value}): {_first_lines(failure)}")
        print(f"{sum(statuses.values())} answers by status: {dict(sorted(statuses.items()))}")
        assert not failures, "The service's answers break its document:\n" + "\n".join(failures)

    return run


def _first_lines(failure: BaseException) -> str:
    text = str(failure).strip() or type(failure).__name__
    return " | ".join(line.strip() for line in text.splitlines()[:14] if line.strip())


@pytest.fixture
def merchant_with_credit(
    providers_answer: None, accounts: AccountsDriver, wallet: WalletDriver, build: Builders
) -> str:
    merchant = accounts.sign_up(build.merchant())
    wallet.fund(merchant, CREDIT_PENCE)
    return merchant.token


def test_anyone_gets_the_documented_answers(fuzz) -> None:
    fuzz({})


def test_a_merchant_with_credit_gets_the_documented_answers(fuzz, merchant_with_credit) -> None:
    fuzz({"Authorization": f"Bearer {merchant_with_credit}"})
