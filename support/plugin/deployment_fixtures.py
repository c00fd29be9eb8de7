"""Fixtures for scenarios that need a second deployment of the platform (see `Deployment`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from support.clients.api import ApiClient
from support.target.cleanup import Cleanup
from support.target.run import Deployment, LiveTarget


@pytest.fixture
def second_deployment(target: LiveTarget, cleanup: Cleanup) -> Callable[[Deployment], ApiClient]:
    """A client of a second deployment, deployed the way the scenario asks."""
    if not target.in_process:
        pytest.skip("a second deployment can be started only beside an in-process service")

    def client(deployment: Deployment) -> ApiClient:
        api = ApiClient(target.second_deployment(deployment))
        cleanup.add(f"close the client of the deployment {deployment}", api.close)
        return api

    return client
