"""`make defects`: proves the scenarios can fail, by running them against each catalogued defect.

For every defect in catalogue/defects.toml, the scenarios of the requirements it names run
against the reference service with that defect switched on. A defect counts as caught when at
least one of them fails on an assertion (a product-language expectation), not on a crash.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from support.proof.catalogues import ROOT, DefectExpectation, defect_expectations
from support.target.embedded import EmbeddedServers, start_embedded
from support.target.inprocess import service_defects


@dataclass
class Verdict:
    defect: str
    summary: str
    caught_by: list[str]
    broken: list[str]
    ran: int
    problem: str | None = None

    @property
    def caught(self) -> bool:
        return bool(self.caught_by) and self.problem is None


def run_one(expectation: DefectExpectation, summary: str, servers: EmbeddedServers) -> Verdict:
    with tempfile.TemporaryDirectory(prefix="mps-defect-") as folder:
        junit = Path(folder, "junit.xml")
        command = [
            sys.executable,
            "-m",
            "pytest",
            "steps",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            f"--defects={expectation.name}",
            f"--junitxml={junit}",
            *(f"--requirement={req}" for req in expectation.caught_by),
        ]
        # Every run shares the runner's database and Redis (each scenario has its own
        # merchant), and starts its own in-process service with the one defect on.
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"BASE_URL", "SERVICE_DEFECTS"}},
            "DATABASE_URL": servers.database_url,
            "REDIS_URL": servers.redis_url,
        }
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if not junit.exists():
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            return Verdict(expectation.name, summary, [], [], 0, " / ".join(tail))
        caught, broken, ran = [], [], 0
        for case in ET.parse(junit).iter("testcase"):
            ran += 1
            failure = case.find("failure")
            error = case.find("error")
            if failure is not None and failure.get("message", "").startswith("AssertionError"):
                caught.append(case.get("name"))
            elif failure is not None or error is not None:
                broken.append(case.get("name"))
        problem = None if ran else "no scenario ran"
        return Verdict(expectation.name, summary, caught, broken, ran, problem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these defects (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)

    expectations = defect_expectations()
    declared = service_defects()
    missing = sorted(set(declared) - set(expectations))
    unknown = sorted(set(expectations) - set(declared))
    if missing or unknown:
        print(
            "The defect catalogues disagree: "
            + "; ".join(
                part
                for part in (
                    missing and f"not in catalogue/defects.toml: {', '.join(missing)}",
                    unknown and f"not defects of the service: {', '.join(unknown)}",
                )
                if part
            )
            + "."
        )
        return 2
    names = args.names or sorted(expectations)
    bad = [n for n in names if n not in expectations]
    if bad:
        print(
            f"No catalogued defect called {', '.join(bad)}; "
            f"known: {', '.join(sorted(expectations))}."
        )
        return 2

    started = time.monotonic()
    print(f"Running the scenarios that should catch each of {len(names)} defects…", flush=True)
    verdicts: list[Verdict] = []
    servers = start_embedded()
    try:
        verdicts = run_all(names, expectations, declared, servers, args.jobs)
    finally:
        servers.stop()

    print()
    print(table(sorted(verdicts, key=lambda v: v.defect)))
    escaped = [v.defect for v in verdicts if not v.caught]
    elapsed = time.monotonic() - started
    if escaped:
        print(
            f"\n{len(escaped)} of {len(verdicts)} defects escaped: {', '.join(escaped)} "
            f"({elapsed:.0f} s)."
        )
        return 1
    print(f"\nAll {len(verdicts)} defects caught ({elapsed:.0f} s).")
    return 0


def run_all(
    names: list[str],
    expectations: dict[str, DefectExpectation],
    declared: dict[str, str],
    servers: EmbeddedServers,
    jobs: int,
) -> list[Verdict]:
    verdicts: list[Verdict] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(run_one, expectations[n], declared[n], servers) for n in names]
        for done, future in enumerate(as_completed(futures), 1):
            verdict = future.result()
            verdicts.append(verdict)
            state = (
                f"caught by {len(verdict.caught_by)} of {verdict.ran} scenarios"
                if verdict.caught
                else f"NOT CAUGHT ({verdict.problem or f'{verdict.ran} scenarios passed'})"
            )
            print(f"  [{done}/{len(names)}] {verdict.defect}: {state}", flush=True)
    return verdicts


def table(verdicts: list[Verdict]) -> str:
    """Defect, what it breaks, and the scenarios that caught it (or crashed on it)."""
    lines = []
    for v in verdicts:
        mark = "caught " if v.caught else "ESCAPED"
        lines.append(f"{mark}  {v.defect}: {v.summary}")
        lines.extend(f"           by {name}" for name in v.caught_by)
        lines.extend(f"           crashed, not counted: {name}" for name in v.broken)
        if v.problem:
            lines.append(f"           problem: {v.problem}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
