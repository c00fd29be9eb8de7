"""Loads the harness plugin and the shared step modules for every test under this folder."""

import gc
import sys
from pathlib import Path

# Off while the harness, the steps and the service's code are imported; back on once the target
# is up (support/plugin/start_up.py says why).
gc.disable()

# Compiled Python is cached even where PYTHONDONTWRITEBYTECODE is set (as on the machines this
# project grew on): without the cache every pytest process (each xdist worker, each run of
# `make defects`) compiled the service, the harness and the steps again, about 1.3 s of CPU
# each. The cache lives in the project's ignored .run/ folder, never beside the sources, which
# is what that variable usually keeps clean.
if sys.dont_write_bytecode:
    sys.pycache_prefix = str(Path(__file__).resolve().parent / ".run" / "pycache")
    sys.dont_write_bytecode = False

# The scenarios' hooks, fixtures and steps are listed in support/plugin/scenarios.py: the
# session plugin loads them in each process that runs tests, never in xdist's controlling
# process (support/plugin/session.py says why).
pytest_plugins = ["support.plugin.start_up", "support.plugin.session"]
