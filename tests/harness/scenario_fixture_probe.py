"""Run by tests/harness/test_plugin_loading.py only (its name keeps it out of the suite's runs).

It asks for `build`, a fixture of the scenarios' plugins: it passes only where they are loaded.
"""


def test_a_scenario_fixture_is_there(build):
    assert build.seed is not None
