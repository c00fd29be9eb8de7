"""Loads the harness plugin and the shared step modules for every test under this folder."""

pytest_plugins = [
    "support.plugin.hooks",
    "support.plugin.target_fixtures",
    "steps.accounts_steps",
    "steps.onboarding_steps",
    "steps.platform_steps",
    "steps.billing_steps",
    "support.plugin.orders_fixtures",
    "steps.orders_steps",
    "steps.refunds_steps",
    "support.plugin.webhooks_fixtures",
    "steps.webhooks_steps",
    "support.plugin.abandonment_fixtures",
    "steps.abandonment_steps",
    "steps.money_safety_steps",
    "steps.deployment_steps",
    "steps.limits_steps",
    "steps.clean_input_steps",
    "steps.sign_in_protection_steps",
    "steps.password_rules_steps",
    "support.plugin.security_fixtures",
]
