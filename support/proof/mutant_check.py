"""What `make mutation` runs against each mutant: a module's harness tests, then its scenarios.

`python -m support.proof.mutant_check [harness test files] -- [the scenarios' pytest arguments]`
exits non-zero (the mutant is killed) as soon as either run fails. The harness tests go first:
they take a second, and they reach what no scenario reaches in seconds (a schedule's interval,
the hundred-and-first error of a run). The scenarios' run replaces this process, so that
cosmic-ray's timeout stops the pytest it started.
"""

from __future__ import annotations

import os
import subprocess
import sys

from support.proof.sub_runs import LEAVE_THE_CACHE_ALONE


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: mutant_check [harness test files] -- [scenario pytest arguments]")
        return 2
    split = argv.index("--")
    harness, scenarios = argv[:split], argv[split + 1 :]
    if harness:
        pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly"]
        failed = subprocess.run([*pytest, *LEAVE_THE_CACHE_ALONE, *harness]).returncode
        if failed:
            return failed
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *scenarios])
    return 0  # not reached: the scenarios' pytest took this process over


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
