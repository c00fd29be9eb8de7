"""Checkers: they read (responses, the database, Redis) and say in words what they expected."""
