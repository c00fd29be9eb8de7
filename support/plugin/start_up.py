"""The garbage collector while a test process starts: off until the target is up.

The root conftest.py switches it off before the harness and the steps are imported; the first
scenario then imports the service's code. Imports make hundreds of thousands of objects that
live as long as the process, and the collector walked them again and again (0.2 s of a 2.4 s
cold scenario, and as much again in every xdist worker and every process of `make defects`).
Once the target is up, what is loaded is frozen, so that the collector never walks it again,
and the collector is switched back on. A process that never opens a target switches it back on
after its first test; xdist's controller, which runs none, as its session starts.
"""

from __future__ import annotations

import gc

import pytest


def target_is_up() -> None:
    """What is loaded now lives as long as the process: frozen, and the collector back on."""
    gc.freeze()
    gc.enable()


def _started() -> None:
    if not gc.isenabled():
        target_is_up()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.pluginmanager.hasplugin("dsession"):  # xdist's controller
        _started()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _started()


def pytest_unconfigure(config: pytest.Config) -> None:
    _started()
