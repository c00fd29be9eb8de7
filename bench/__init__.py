"""Benchmarks of the reference service's batch jobs (run with `make bench-abandonment`)."""
