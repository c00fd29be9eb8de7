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

pytest_plugins = [
    "support.plugin.start_up",
    "support.plugin.step_lookup",
    "support.plugin.hooks",
    "support.plugin.deployment_fixtures",
    "support.plugin.target_watch",
    "support.plugin.target_fixtures",
    "steps.accounts_steps",
    "steps.onboarding_steps",
    "steps.platform_steps",
    "steps.billing_steps",
    "support.plugin.proof_fixtures",
    "support.plugin.orders_fixtures",
    "steps.orders_steps",
    "steps.refunds_steps",
    "support.plugin.webhooks_fixtures",
    "steps.webhooks_steps",
    "support.plugin.abandonment_fixtures",
    "steps.abandonment_steps",
    "steps.money_safety_steps",
    "steps.request_fields_steps",
    "steps.deployment_steps",
    "steps.limits_steps",
    "steps.clean_input_steps",
    "steps.sign_in_protection_steps",
    "steps.password_rules_steps",
    "support.plugin.security_fixtures",
]
