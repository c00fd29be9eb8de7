"""A plugin for one harness test (`-p tests.report.leaky_evidence`): the report's HTTP evidence
shows headers unredacted, as a broken redaction would, so that a bearer token reaches the
results and the run's audit must fail the run."""

from __future__ import annotations

import support.report.evidence as evidence

evidence.redact_headers = lambda headers: list(headers)
