"""The HTML report a person opens shows the scenarios, their Gherkin steps and the HTTP evidence.

Runs two scenarios into a temporary results directory, builds the single-file Allure 3 report
with the pinned `allure` npm package (allurerc.mjs at the repository root), opens it from
file:// in headless Chromium and reads it the way a person would.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support.proof.sub_runs import run_embedded
from support.report import html_report

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ALLURE_BIN = ROOT / "node_modules" / ".bin" / "allure"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SELECTION = "completing_onboarding_records_the_business or platform_reports"
SCENARIO = "Completing onboarding records the business"
FIRST_STEP = "Given a merchant has signed up"
EVIDENCE = "HTTP POST"
# Generous: CI has two cores shared with the rest of `make test` (other workers start their
# own PostgreSQL and run scenarios), and Chromium parses a 4 MB single-file report. Locally the
# tree shows in under two seconds; a slow machine must not fail a report that does render.
TIMEOUT_MS = 30_000
FIRST_RENDER_MS = 90_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _what_is_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
    if not ALLURE_BIN.exists() or shutil.which("npx") is None:
        return "the pinned Allure 3 CLI is not installed: run `npm ci` at the repository root"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing: pip install -r requirements.txt"
    return None


@pytest.fixture(scope="module", autouse=True)
def browser_check_can_run() -> None:
    """Skips when a tool is missing, unless REQUIRE_BROWSER is set (CI), where that fails."""
    missing = _what_is_missing()
    if missing and os.environ.get("REQUIRE_BROWSER"):
        why = f"{missing} (REQUIRE_BROWSER is set: this check may not be skipped)"
        pytest.fail(why, pytrace=False)
    if missing:
        pytest.skip(missing)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """Runs the two scenarios and builds their report; gives its index.html and the results."""
    work = tmp_path_factory.mktemp("report")
    results, output = work / "allure-results", work / "allure-report"
    # This check is about the report: its two scenarios run against the embedded platform.
    run = run_embedded(
        "steps", "-q", "-p", "no:randomly", "-k", SELECTION, f"--alluredir={results}"
    )
    scenario_results = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    # Both scenarios must pass and the run's secret audit must find nothing.
    if run.returncode != 0 or len(scenario_results) < 2:
        pytest.fail(
            f"The suite run for the report wrote {len(scenario_results)} scenario results "
            f"(exit {run.returncode}); expected 2 for -k {SELECTION!r}.\n"
            f"{_tail(run.stdout + run.stderr)}"
        )
    index = _generate(results, output)
    return index, scenario_results


def _generate(results: Path, output: Path) -> Path:
    """Build the report the way `make report` does; its history file is kept next to the
    results (never the project's own .run/ history)."""
    history = {"ALLURE_HISTORY_PATH": str(results.parent / "history.jsonl")}
    try:
        return html_report.build([results], output, {**os.environ, **history}, timeout=120)
    except html_report.ReportBuildError as error:
        pytest.fail(str(error), pytrace=False)


def _embedded_files(index: Path) -> dict[str, bytes]:
    """The data files a single-file Allure 3 report carries inside its index.html."""
    found = re.findall(r'd\("([^"]+)","([A-Za-z0-9+/=]*)"\)', index.read_text())
    return {name: base64.b64decode(data) for name, data in found}


def test_a_second_report_remembers_the_first(report: tuple[Path, list[dict]]) -> None:
    """allurerc.mjs keeps Allure 3's history file, so the next report shows a trend of two runs
    and each scenario's earlier result."""
    first, _ = report
    work = first.parent.parent
    # Built as a person would from the command line, from the folder that holds the results,
    # naming them relative to it (Allure itself runs in the project's folder).
    command = [sys.executable, "-m", "support.report.html_report", "allure-results"]
    build = subprocess.run(
        [*command, "--output", "second-report"],
        cwd=work,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ALLURE_HISTORY_PATH": str(work / "history.jsonl"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, _tail(build.stdout + build.stderr)
    second = _embedded_files(work / "second-report" / "index.html")
    charts = json.loads(second["widgets/charts.json"])["general"].values()
    trend = next(chart["data"] for chart in charts if chart["type"] == "statusDynamics")
    assert len(trend) == 2, f"the trend shows {len(trend)} runs: {trend}"
    scenarios = [json.loads(v) for k, v in second.items() if k.startswith("data/test-results/")]
    assert scenarios and all(len(s["history"]) == 1 for s in scenarios), [
        (s["name"], len(s["history"])) for s in scenarios
    ]


@pytest.fixture
def page(report: tuple[Path, list[dict]]) -> Iterator:
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            # What the page itself complained about goes into any failure message.
            page.complaints = []
            page.on("pageerror", lambda error: page.complaints.append(f"page error: {error}"))
            page.on(
                "console",
                lambda message: (
                    page.complaints.append(f"console {message.type}: {message.text}")
                    if message.type in ("error", "warning")
                    else None
                ),
            )
            # The report is one self-contained file; it must render with no network at all
            # (this also stops the analytics script Allure 3 puts in every report).
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            yield page
        finally:
            browser.close()


@contextmanager
def seen_as_a_person(page, shots: Path, what: str) -> Iterator[None]:
    """Turns any failure into a sentence about what was not shown, with a screenshot of it."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        yield
        return
    except (AssertionError, PlaywrightError) as error:
        shot = shots / "report-failure.png"
        page.screenshot(path=str(shot), full_page=True)
        shown = page.locator("body").inner_text(timeout=5_000)[:600] or "(nothing)"
        complaints = "\n".join(getattr(page, "complaints", [])[-10:]) or "(none)"
        failure = (
            f"{what}: {error}\nScreenshot of the report at that moment: {shot}\n"
            f"The page showed: {shown}\nThe page reported: {complaints}"
        )
    raise pytest.fail.Exception(failure, pytrace=False) from None


def expand_every_group(page) -> None:
    """Clicks each collapsed epic/feature/story group open until none is left collapsed."""
    collapsed_js = """sections => sections
        .filter(s => !s.parentElement.querySelector(':scope > [data-testid=tree-content]'))
        .map(s => s.dataset.treeNodeId)"""
    for _ in range(20):
        collapsed = page.locator('[data-testid="tree-section"]').evaluate_all(collapsed_js)
        if not collapsed:
            return
        for node_id in collapsed:
            page.locator(
                f'[data-tree-node-id="{node_id}"] > [data-testid="tree-section-title"]'
            ).click()
    raise AssertionError("the tree's groups kept collapsing again after being clicked open")


def test_report_shows_scenarios_steps_and_http_evidence(page, report) -> None:
    index, results = report
    shots = index.parent.parent
    scenario = next((r for r in results if r["name"] == SCENARIO), None)
    assert scenario, f"The results hold no scenario named {SCENARIO!r}: was it renamed?"
    labels = {(label["name"], label["value"]) for r in results for label in r["labels"]}
    groups = {value for name, value in labels if name in ("epic", "feature", "story")}
    assert any(name == "feature" for name, _ in labels), "The results carry no feature label."

    with seen_as_a_person(page, shots, f"Opening {index.as_uri()} showed no test tree"):
        page.goto(index.as_uri(), timeout=FIRST_RENDER_MS)
        page.locator('[data-testid="tree-section-title"]').first.wait_for(timeout=FIRST_RENDER_MS)
        title = page.locator('[data-testid="report-title"]').inner_text()
        assert "Merchant platform money paths" in title, f"the report is titled {title!r}"
        # Its data is inside the page: asking for a file beside it means the app started
        # before its data was declared (support/report/html_report.py), a page that stays
        # empty when the machine is busy.
        fetched = [c for c in page.complaints if f"fetch at '{index.parent.as_uri()}/" in c]
        assert not fetched, f"the report fetched files it carries inside it: {fetched}"

    with seen_as_a_person(page, shots, "The tree did not show every feature and scenario"):
        expand_every_group(page)
        shown_groups = set(page.locator('[data-testid="tree-section-title"]').all_inner_texts())
        missing = sorted(groups - shown_groups)
        assert not missing, f"no tree group named {missing} (shown: {sorted(shown_groups)})"
        shown_scenarios = set(page.locator('[data-testid="tree-leaf-title"]').all_inner_texts())
        missing = sorted({r["name"] for r in results} - shown_scenarios)
        assert not missing, f"no scenario named {missing} (shown: {sorted(shown_scenarios)})"

    with seen_as_a_person(page, shots, f"The page of {SCENARIO!r} did not show its steps"):
        page.locator('[data-testid="tree-leaf-title"]', has_text=SCENARIO).first.click()
        page.locator('[data-testid="test-result-info-title"]', has_text=SCENARIO).wait_for()
        step = page.locator('[data-testid="test-result-step"]', has_text=FIRST_STEP).first
        step.wait_for()

    with seen_as_a_person(
        page, shots, f"The step {FIRST_STEP!r} did not show an {EVIDENCE!r} attachment"
    ):
        evidence = step.locator('[data-testid="test-result-attachment"]', has_text=EVIDENCE).first
        if not evidence.is_visible():  # steps start folded; clicking an open one would fold it
            step.locator('[data-testid="test-result-step-header"]').first.click()
        evidence.wait_for()
        response = evidence.get_by_text("--- response ---").first
        if not response.is_visible():
            evidence.locator('[data-testid="test-result-attachment-header"]').click()
        response.wait_for()
        evidence.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "report-scenario.png"))


def test_the_report_declares_its_data_before_the_app_starts(
    report: tuple[Path, list[dict]],
) -> None:
    """On a busy machine the app's first request for data can come before the browser has
    parsed the data at the page's end; declared first, the data is awaited, never fetched."""
    index, _ = report
    html = index.read_text()
    declared = html.find(html_report.DECLARATION)
    app = re.search(r'<script[^>]*\ssrc="data:text/javascript', html)
    assert app, "Allure's app script is no longer inside the page: check html_report.py"
    assert 0 < declared < app.start(), "the report's data is not declared before the app"
