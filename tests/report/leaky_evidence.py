"""A plugin for one harness test (`-p tests.report.leaky_evidence`): the report's HTTP evidence
shows headers unredacted, as a broken redaction would, so that a bearer token reaches the
results and the run's audit must fail the run."""

from __future__ import annotations

import support.report.evidence as evidence
from support.report.redaction import redact_together


def _headers_left_as_they_are(headers, bodies):
    return [list(each) for each in headers], redact_together([], bodies)[1]


evidence.redact_together = _headers_left_as_they_are
