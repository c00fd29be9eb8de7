"""Run by tests/harness/test_start_up.py only (its name keeps it out of the suite's runs)."""

import gc


def test_first():
    print(f"\nfirst test: collector {'on' if gc.isenabled() else 'off'}")


def test_second():
    print(f"\nsecond test: collector {'on' if gc.isenabled() else 'off'}")
