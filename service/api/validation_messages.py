"""Turns request validation failures into one plain-English sentence, never naming fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Field -> (label used in sentences, what a valid value looks like).
FIELDS: Mapping[str, tuple[str, str]] = {
    "email": ("email address", "The email address must look like name@example.com."),
    "password": ("password", "The password must be between 15 and 128 characters long."),
    "business_name": (
        "business name",
        "The business name must be text without control or formatting characters.",
    ),
    "category": (
        "category",
        "The category must be text without control or formatting characters.",
    ),
    "description": (
        "description",
        "The description must be 1 to 200 characters of text without control or formatting "
        "characters.",
    ),
    "role": ("role", "The role must be either admin or viewer."),
    "event_name": (
        "event name",
        "The event name must be one of: wizard started, step viewed, step completed, "
        "payment viewed, payment succeeded, wizard completed.",
    ),
    "step_index": ("step", "The step must be a whole number from 0 to 4."),
    # Operators' job runs (the nudge job, the webhook delivery worker) say what time it is.
    "now": (
        "moment to run at (now)",
        "The moment to run at (now) must be a date and time with its time zone, "
        "like 2026-03-01T10:00:00Z.",
    ),
}

# Fields whose own rules say, for the person, what to change (service/domain/rules.py).
SAYS_WHAT_TO_CHANGE = {"password"}
GENERIC = "The request is not valid."
NOT_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object."
BODY_MISSING = "The request needs a JSON body."


def describe_validation_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """One sentence for the first problem found; unknown fields get a generic sentence."""
    if not errors:
        return GENERIC
    return _describe(errors[0])


def _describe(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    loc = tuple(error.get("loc", ()))
    if kind == "json_invalid":
        return NOT_JSON
    where = loc[1:] if loc and loc[0] == "body" else loc
    field = next((part for part in where if isinstance(part, str)), None)
    if loc and loc[0] == "body" and not where:
        return BODY_MISSING if kind == "missing" else NOT_AN_OBJECT
    if field is None or field not in FIELDS:
        return GENERIC
    label, hint = FIELDS[field]
    if kind == "missing":
        return f"The {label} is required."
    if field in SAYS_WHAT_TO_CHANGE and kind == "value_error":
        return str((error.get("ctx") or {}).get("error") or hint)
    return hint
