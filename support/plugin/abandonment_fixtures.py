"""Fixtures of the checkout abandonment scenarios: the email provider's fake, the operator's
token, and the driver whose runs are always scoped to the scenario's own merchants."""

from __future__ import annotations

import os

import pytest

from support.clients.api import ApiClient
from support.clients.database import Database
from support.drivers.abandonment import AbandonmentDriver
from support.drivers.onboarding import OnboardingDriver
from support.providers.email import EmailProviderFake
from support.providers.fakes import ProviderFakes
from support.report.redaction import SECRETS
from support.target.cleanup import Cleanup
from support.target.run import LiveTarget


@pytest.fixture
def email_provider(providers: ProviderFakes, target: LiveTarget) -> EmailProviderFake:
    if target.providers is None:
        pytest.skip("the email provider can be faked only for an in-process service")
    return EmailProviderFake(providers, target.providers)


@pytest.fixture
def operator_token(target: LiveTarget) -> str:
    """The in-process deployment's made-up operator token, or OPERATOR_TOKEN for a remote one."""
    token = (
        target.providers.operator_token
        if target.providers
        else os.environ.get("OPERATOR_TOKEN", "")
    )
    if not token:
        pytest.skip("running jobs on demand needs the target's operator token: set OPERATOR_TOKEN")
    SECRETS.add(token)
    return token


@pytest.fixture
def abandonment(
    api: ApiClient,
    onboarding: OnboardingDriver,
    database: Database,
    cleanup: Cleanup,
    request: pytest.FixtureRequest,
) -> AbandonmentDriver:
    def forget_run(run_id: int) -> None:
        cleanup.add(
            f"remove the record of nudge job run {run_id}",
            lambda: database.change_quietly(
                "delete from abandonment_runs where id = %s", (run_id,)
            ),
        )

    return AbandonmentDriver(
        api,
        onboarding,
        database,
        operator_token=lambda: request.getfixturevalue("operator_token"),
        on_run=forget_run,
    )
