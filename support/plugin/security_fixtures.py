"""Fixtures for the security scenarios: other deployments beside the target, request limits."""

from __future__ import annotations

import pytest

from support.clients.api import ApiClient
from support.clients.database import Database
from support.drivers.deployments import DeploymentsDriver
from support.drivers.limits import LimitsDriver
from support.target.cleanup import Cleanup
from support.target.run import LiveTarget, RunState


@pytest.fixture
def deployments(
    target: LiveTarget, database: Database, cleanup: Cleanup, run_state: RunState
) -> DeploymentsDriver:
    if not target.in_process:
        pytest.skip("Deploying the platform another way needs the service in-process.")
    return DeploymentsDriver(target, database, cleanup, run_state.defects)


@pytest.fixture
def limits(api: ApiClient) -> LimitsDriver:
    return LimitsDriver(api)
