"""Loads the harness plugin and the shared step modules for every test under this folder."""

pytest_plugins = [
    "support.plugin.hooks",
    "support.plugin.deployment_fixtures",
    "support.plugin.target_watch",
    "steps.accounts_steps",
    "steps.onboarding_steps",
    "steps.platform_steps",
    "steps.billing_steps",
]
