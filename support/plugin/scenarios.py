"""The scenarios' plugins: their hooks and fixtures, and the step definitions.

Loaded by support/plugin/session.py as the run is configured, in each process that runs tests
and never in xdist's controlling process, which runs none (that module says why). The root
conftest.py loads only what every process needs.
"""

pytest_plugins = [
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
