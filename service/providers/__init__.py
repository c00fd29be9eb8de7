"""Clients for the outside providers (payments, telephony), in the service's own terms."""

from __future__ import annotations


class ProviderNotConfigured(Exception):
    """The provider's credentials are missing from the service's configuration."""


class ProviderUnavailable(Exception):
    """The provider failed, timed out or could not be reached."""


class ProviderRefused(Exception):
    """The provider answered, and said no (for example a declined card)."""


class ProviderOutcomeUnknown(ProviderUnavailable):
    """The request reached the provider (or may have) but no answer came in time: the provider
    may have acted on it. Callers that promise "at most once" must not simply try again."""
