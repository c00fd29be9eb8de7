"""Turns Gherkin tags into Allure labels and pytest markers; an unknown tag stops collection."""

from __future__ import annotations

from collections.abc import Callable

import allure
import pytest

from support.proof.catalogues import requirements

SEVERITIES = {level.value for level in allure.severity_level}
PLAIN_TAGS = {
    "smoke": "smoke",
    "critical": "critical",
    "read_only": "read_only",
    "provider_fakes": "needs_provider_fakes",
    # Waits on real time (a pretended delay of an outside provider): left out of the throughput
    # figures of `make bench`, and out of a quick run with -m "not slow".
    "slow": "slow",
}


class UnknownTag(ValueError):
    pass


def apply_tag(tag: str, function: Callable) -> Callable:
    """Apply one feature-, rule- or scenario-level tag to a scenario's test function."""
    kind, _, value = tag.partition(":")
    if kind == "epic" and value:
        return allure.epic(value.replace("_", " "))(function)
    if kind == "story" and value:
        return allure.story(value.replace("_", " "))(function)
    if kind == "severity":
        if value not in SEVERITIES:
            raise UnknownTag(f"@{tag}: severity must be one of {', '.join(sorted(SEVERITIES))}.")
        return allure.severity(allure.severity_level(value))(function)
    if kind == "req":
        statement = requirements().get(value)
        if statement is None:
            raise UnknownTag(f"@{tag} names no requirement in catalogue/requirements.toml.")
        function = pytest.mark.requirement(value)(function)
        function = allure.label("requirement", value)(function)
        return allure.link(
            f"catalogue/requirements.toml#{value}",
            link_type="requirement",
            name=f"{value}: {statement}",
        )(function)
    if tag in PLAIN_TAGS:
        # allure-pytest-bdd already shows markers as tags: no allure.tag() here.
        return getattr(pytest.mark, PLAIN_TAGS[tag])(function)
    raise UnknownTag(
        f"@{tag} is not a tag this suite knows: use @epic:…, @story:…, @severity:…, @req:…, "
        f"or one of {', '.join('@' + t for t in sorted(PLAIN_TAGS))}."
    )
