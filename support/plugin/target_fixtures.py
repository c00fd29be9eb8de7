"""The target a scenario talks to, and the defects switched on in its service."""

from __future__ import annotations

import pytest

from support.target.config import HarnessError
from support.target.inprocess import ServiceLog
from support.target.run import LiveTarget
from support.target.run_state import RunState


# Autouse, so that `make defects` can parametrise it for every scenario (one defect per
# scenario, many defects in one process: support/proof/defect_plugin.py).
@pytest.fixture(autouse=True)
def defects_switched_on(run_state: RunState) -> tuple[str, ...]:
    """The defects switched on in the service a scenario talks to (--defects; none by default)."""
    return run_state.defects


@pytest.fixture
def target(live_target: LiveTarget, defects_switched_on: tuple[str, ...]) -> LiveTarget:
    """The target a scenario talks to: the process's own, with the scenario's defects on."""
    try:
        return live_target.with_defects(defects_switched_on)
    except HarnessError as error:
        pytest.exit(str(error), returncode=3)


@pytest.fixture
def service_log(target: LiveTarget):
    """What the service logs for its operators during the scenario (in-process services only:
    a remote one's log is not the suite's to read)."""
    if not target.in_process:
        pytest.skip("the service's log can be read only when it runs in the suite's process")
    with ServiceLog() as log:
        yield log
