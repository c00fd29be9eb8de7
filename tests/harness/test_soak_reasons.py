"""`make soak` says why a scenario failed: its first line, and what the service logged then."""

from pathlib import Path

from support.proof.suite_soak import failure_reasons

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="steps.test_scenarios" name="test_passes"/>
<testcase classname="steps.test_scenarios" name="test_fails">
<failure message="AssertionError: Expected every one of 12 merchants">trace</failure>
<system-err>--------------------------------- Captured Log ---------------------------------
WARNING  service.phone_numbers:phone_numbers.py:55 Provisioning a number failed: pool timeout
INFO     service.x:x.py:1 not a warning</system-err>
</testcase>
</testsuite></testsuites>
"""


def test_a_failure_names_its_reason_and_the_service_warnings(tmp_path: Path):
    junit = tmp_path / "run.xml"
    junit.write_text(JUNIT)
    reasons = failure_reasons(junit)
    assert list(reasons) == ["test_fails"]
    reason = reasons["test_fails"]
    assert reason.startswith("AssertionError: Expected every one of 12 merchants")
    assert "Provisioning a number failed: pool timeout" in reason
    assert "not a warning" not in reason
