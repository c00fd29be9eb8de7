"""Talking to the target: the HTTP client, the catalogue of paths, and the suite's own PostgreSQL
and Redis connections."""
