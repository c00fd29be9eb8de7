"""A plugin for tests/harness/test_plugin_loading.py only: the process that reports (a serial
run, or xdist's controller) says which of the scenarios' modules it imported."""

import sys

WATCHED = ("support.plugin.hooks", "steps.billing_steps", "faker", "psycopg", "stripe")


def pytest_terminal_summary(terminalreporter, config):
    role = "controller" if config.pluginmanager.hasplugin("dsession") else "runner"
    imported = [name for name in WATCHED if name in sys.modules]
    terminalreporter.write_line(f"{role} imported: {', '.join(imported) or 'none of them'}")
