"""Builds the HTML report: `allure generate` with allurerc.mjs, then one fix to its index.html.

`make report`, `make merged-report` and the report's own check all build it here:

    python -m support.report.html_report allure-results [more folders…] --output allure-report

The fix. A single-file Allure 3 report (allurerc.mjs sets `singleFile`) carries its data at the
end of index.html, after the app's script, and the first of those data scripts is what declares
`window.allureReportData`. The app asks for its data as soon as it starts; it waits for the data
to be ready only if `allureReportData` exists by then, and otherwise fetches `widgets/….json`
next to the page, which a file:// page may not do and which a single-file report does not have.
So whether the report shows anything depends on the browser parsing the rest of the page before
the app's first timer fires: it does on an idle machine, and may not on a busy one. CI saw that
(a report of two scenarios showed an empty page, with the browser blocking
`widgets/globals.json`); Chromium with its CPU slowed ten times shows it two loads in three.
Declaring the (still empty) `allureReportData` in the page's head, before the app, makes the app
always wait for its data. Allure's own data script keeps the object it finds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What Allure's single-file data script begins with (@allurereport/core-api's
# createReportDataScript): the page carries its data. A report with its data in files beside it
# must not get the declaration, or the app would look for its data in the page.
SINGLE_FILE_MARK = "window.allureReportData = window.allureReportData || {};"
DECLARATION = (
    "<script>/* The data below is awaited, never fetched (support/report/html_report.py). */"
    f"{SINGLE_FILE_MARK}</script>"
)


class ReportBuildError(Exception):
    """The report could not be built, or not as a page that shows its data."""


def declare_data_first(html: str) -> str:
    """The page with `allureReportData` declared in its head, before the app's script."""
    if DECLARATION in html or SINGLE_FILE_MARK not in html:
        return html
    head_end = html.find("</head>")
    app_starts = html.find("<body")
    if head_end < 0 or app_starts < head_end:
        raise ReportBuildError(
            "Allure's index.html has no </head> before its <body>: the page's layout changed, "
            "so support/report/html_report.py cannot declare the report's data before the app"
        )
    return html[:head_end] + DECLARATION + html[head_end:]


def build(
    results: Sequence[Path],
    output: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Path:
    """Generates the report from the results folders into output; gives its index.html."""
    missing = [str(folder) for folder in results if not folder.is_dir()]
    if not results or missing:
        raise ReportBuildError(
            f"No results folder at {', '.join(missing)}: run the scenarios with --alluredir first"
            if missing
            else "No results folder given"
        )
    # Allure runs in the project's folder, where it finds allurerc.mjs; the folders named
    # relative to where this was started are made absolute first.
    output = output.absolute()
    command = ["npx", "--no-install", "allure", "generate", *(str(f.absolute()) for f in results)]
    try:
        generate = subprocess.run(
            [*command, "--output", str(output)],
            cwd=ROOT,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise ReportBuildError(f"`allure generate` took more than {timeout} s") from None
    except FileNotFoundError:
        missing = "npx is missing: install Node.js 20 or newer, then `make setup`"
        raise ReportBuildError(missing) from None
    index = output / "index.html"
    if generate.returncode != 0 or not index.is_file():
        tail = "\n".join((generate.stdout + generate.stderr).splitlines()[-40:])
        raise ReportBuildError(
            f"`allure generate` did not build {index} (exit {generate.returncode}).\n{tail}"
        )
    html = index.read_text(encoding="utf-8")
    fixed = declare_data_first(html)
    if fixed is not html:
        index.write_text(fixed, encoding="utf-8")
    return index


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m support.report.html_report",
        description="Build the single-file HTML report from one or more Allure results folders.",
    )
    parser.add_argument("results", nargs="+", type=Path, help="Allure results folders")
    parser.add_argument("--output", type=Path, default=Path("allure-report"))
    arguments = parser.parse_args(argv)
    try:
        index = build(arguments.results, arguments.output, os.environ)
    except ReportBuildError as error:
        print(f"The report was not built: {error}", file=sys.stderr)
        return 1
    print(f"Report: {index.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
