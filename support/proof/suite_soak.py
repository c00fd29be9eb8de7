"""`make soak`: the whole suite many times, in random order under xdist, against one database and
one Redis, checking after every run that nothing was left behind.

Prints each run's result and residue, then how many runs were green, which scenarios failed and
which of them are flaky (failed in some runs, passed in others). Exits non-zero unless every run
was green and left nothing behind.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

from support.proof.catalogues import ROOT
from support.proof.footprint import footprint, residue
from support.proof.sub_runs import pytest_command
from support.target.embedded import start_embedded

RUN_TIMEOUT_SECONDS = 900


def outcomes(junit: Path) -> dict[str, str]:
    """Scenario (test) name -> passed, failed or skipped, from one run's JUnit XML."""
    if not junit.exists():
        return {}
    found = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            found[case.get("name", "?")] = "failed"
        elif "skipped" in kinds:
            found.setdefault(case.get("name", "?"), "skipped")
        else:
            found.setdefault(case.get("name", "?"), "passed")
    return found


def failure_reasons(junit: Path) -> dict[str, str]:
    """Failed scenario name -> the first line of why it failed, and the warnings and errors the
    service logged meanwhile (a flake's cause is often there), from one run's JUnit XML."""
    if not junit.exists():
        return {}
    found = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        failed = [child for child in case if child.tag in {"failure", "error"}]
        if not failed:
            continue
        said = (failed[0].get("message") or failed[0].text or "").strip().splitlines()
        reason = (said[0] if said else "no message")[:400]
        logged = [
            line.strip()[:300]
            for child in case
            if child.tag in {"system-out", "system-err"}
            for line in (child.text or "").splitlines()
            if line.startswith(("WARNING", "ERROR", "CRITICAL"))
        ]
        found[case.get("name", "?")] = "\n    ".join([reason, *logged[:5]])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("SOAK_RUNS", "20")))
    parser.add_argument("--workers", default="2")
    args = parser.parse_args(argv)
    servers = start_embedded()
    env = {**os.environ, "DATABASE_URL": servers.database_url, "REDIS_URL": servers.redis_url}
    failures: Counter[str] = Counter()
    passes: Counter[str] = Counter()
    green, baseline = 0, None
    try:
        with tempfile.TemporaryDirectory(prefix="mps-soak-") as folder:
            for number in range(1, args.runs + 1):
                junit = Path(folder, f"run-{number}.xml")
                seed = random.randrange(1, 2**31)  # printed with a failure, to repeat the order
                started = time.monotonic()
                done = subprocess.run(
                    pytest_command(
                        "steps",
                        "-q",
                        "-n",
                        args.workers,
                        "-p",
                        "randomly",
                        f"--randomly-seed={seed}",
                        f"--junitxml={junit}",
                        "-o",
                        "junit_logging=log",  # the service's warnings, for a failure's reason
                    ),
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=RUN_TIMEOUT_SECONDS,
                )
                results = outcomes(junit)
                failed = sorted(name for name, result in results.items() if result == "failed")
                failures.update(failed)
                passes.update(n for n, result in results.items() if result == "passed")
                now = footprint(servers.database_url, servers.redis_url)
                # The first run applies the schema: from then on the counts must not move.
                left = residue(baseline, now) if baseline else residue(None, now)
                baseline = baseline or now
                ok = done.returncode == 0 and not failed and not left
                green += ok
                passed = sum(result == "passed" for result in results.values())
                took = time.monotonic() - started
                print(
                    f"run {number}/{args.runs}: {passed} passed, {len(failed)} failed, exit "
                    f"{done.returncode}, {took:.0f} s; left behind: {', '.join(left) or 'nothing'}"
                    + (
                        f"; failed: {', '.join(failed)} (order: --randomly-seed={seed})"
                        if failed
                        else ""
                    ),
                    flush=True,
                )
                for name, reason in failure_reasons(junit).items():
                    print(f"  {name}: {reason}", flush=True)
                if done.returncode not in (0, 1):  # not a test failure: say what the run said
                    print("  " + (done.stdout + done.stderr).strip()[-600:], flush=True)
    finally:
        servers.stop()
    flaky = sorted(name for name in failures if passes[name])
    print(f"\n{green} of {args.runs} runs green (all passed, nothing left behind).")
    for name, count in failures.most_common():
        print(f"  failed {count}x{' (flaky)' if name in flaky else ''}: {name}")
    print(f"Flaky scenarios: {', '.join(flaky) or 'none'}.")
    return 0 if green == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
