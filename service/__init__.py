"""The reference merchant platform service that the acceptance suite proves."""
