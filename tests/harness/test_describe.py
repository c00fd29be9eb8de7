"""A failed step shows what the platform answered: its status and body, redacted."""

import httpx

from support.drivers.base import describe
from support.report.redaction import SECRETS

SECRETS.add("tok-describe-secret")


def test_an_error_in_the_envelope_reads_as_its_reason_and_message():
    answer = httpx.Response(403, json={"error": {"code": "forbidden", "message": "No."}})
    assert describe(answer) == "403 forbidden: No."


def test_an_answer_without_the_envelope_shows_its_status_and_redacted_body():
    answer = httpx.Response(202, json={"accepted": True, "token": "tok-describe-secret"})
    said = describe(answer)
    assert said.startswith("202 with the body ")
    assert "accepted" in said
    assert "tok-describe-secret" not in said


def test_an_empty_answer_says_so():
    assert describe(httpx.Response(204)) == "204 with no body"
