"""Building the HTML report: the data of a single-file report is declared before its app.

The page here is the shape of Allure 3's single-file index.html (@allurereport/plugin-awesome's
template; Allure writes `<` inside its scripts as \\u003C, so `</head>` is only ever the head's
end); test_report_renders.py checks the same on a report that Allure itself built.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support.report import html_report

ROOT = Path(__file__).resolve().parents[2]
APP = '<script   src="data:text/javascript;base64,QVBQ"></script>'
DATA = f"""<script async>
      window.allureReportDataReady = false;
      {html_report.SINGLE_FILE_MARK}
      function d(name, value){{ window.allureReportData[name] = value; }}
    </script>
    <script defer>d("widgets/globals.json","e30=")</script>"""
SINGLE_FILE = f"""<!DOCTYPE html>
<html dir="ltr" lang="en">
<head>
    <meta charset="utf-8">
    <script>window.allureReportOptions = {{"reportName":"\\u003C/head\\u003E"}}</script>
</head>
<body>
    <div id="app"></div>
    {APP}
    {DATA}
</body>
</html>
"""


def test_the_data_is_declared_in_the_head_before_the_app() -> None:
    fixed = html_report.declare_data_first(SINGLE_FILE)
    declared = fixed.find(html_report.DECLARATION)
    assert 0 < declared < fixed.find("<body") < fixed.find(APP)
    # Nothing else changed: the page is the old one with the declaration added.
    assert fixed.replace(html_report.DECLARATION, "", 1) == SINGLE_FILE


def test_a_fixed_page_is_left_as_it_is() -> None:
    fixed = html_report.declare_data_first(SINGLE_FILE)
    assert html_report.declare_data_first(fixed) == fixed
    assert fixed.count(html_report.DECLARATION) == 1


def test_a_report_with_its_data_in_files_is_left_as_it_is() -> None:
    """Declared there, the app would look for its data in a page that does not carry it."""
    no_data = "<script async>window.allureReportDataReady = true;</script>"
    beside = SINGLE_FILE.replace(DATA, no_data)
    assert html_report.declare_data_first(beside) == beside


@pytest.mark.parametrize(
    "changed",
    [
        SINGLE_FILE.replace("</head>\n<body>", "<body>"),
        SINGLE_FILE.replace("<body>", ""),
    ],
    ids=["no head end before the body", "no body"],
)
def test_a_page_laid_out_otherwise_is_refused_with_its_reason(changed: str) -> None:
    with pytest.raises(html_report.ReportBuildError, match="layout changed"):
        html_report.declare_data_first(changed)


def test_a_missing_results_folder_is_named_and_nothing_is_built(tmp_path: Path) -> None:
    output = tmp_path / "allure-report"
    build = [sys.executable, "-m", "support.report.html_report", str(tmp_path / "nowhere")]
    run = subprocess.run(
        [*build, "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run
    assert f"No results folder at {tmp_path / 'nowhere'}" in run.stderr
    assert not output.exists()
