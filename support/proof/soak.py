"""`make soak-races`: runs the race scenarios many times, in parallel and in random order, and
prints how many times each passed, so that "every time" is shown rather than hoped for."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from support.proof.catalogues import ROOT
from support.proof.sub_runs import pytest_command

# pytest-repeat names each repetition `[<example>-<i>-<n>]`; the scenario is the rest.
_REPETITION = re.compile(r"-\d+-\d+\]$")


def soak(times: int, requirement: str, workers: int) -> int:
    with tempfile.TemporaryDirectory(prefix="mps-soak-") as folder:
        junit = Path(folder, "junit.xml")
        started = time.monotonic()
        subprocess.run(
            pytest_command(
                "steps",
                "-q",
                "-p",
                "randomly",
                "-n",
                str(workers),
                f"--count={times}",
                f"--requirement={requirement}",
                f"--junitxml={junit}",
            ),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        if not junit.exists():
            print("The soak did not run: pytest wrote no results.")
            return 2
        passed: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        for case in ET.parse(junit).iter("testcase"):
            scenario = _REPETITION.sub("]", case.get("name", "?"))
            bad = case.find("failure") is not None or case.find("error") is not None
            (failed if bad else passed)[scenario] += 1
    took = time.monotonic() - started
    for scenario in sorted(set(passed) | set(failed)):
        runs = passed[scenario] + failed[scenario]
        print(f"{scenario}: {passed[scenario]} of {runs} passed, {failed[scenario]} failed")
    total_failed = sum(failed.values())
    print(
        f"Race soak ({requirement}, {times} times each, -n {workers}, random order): "
        f"{sum(passed.values())} passed, {total_failed} failed in {took:.0f} s."
    )
    return 1 if total_failed or not passed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--times", type=int, default=50)
    parser.add_argument("--requirement", default="ORD-7")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    return soak(args.times, args.requirement, args.workers)


if __name__ == "__main__":
    sys.exit(main())
