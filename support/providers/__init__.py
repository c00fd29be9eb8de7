"""Fakes of the outside providers, built on `responses` in strict mode."""
