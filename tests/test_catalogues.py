"""The catalogues keep the suite honest: requirements, tags, defects and feature language."""

import re
from pathlib import Path

import pytest
from gherkin.parser import Parser

from support.plugin.tags import PLAIN_TAGS, SEVERITIES
from support.proof.catalogues import ROOT, defect_expectations, requirements

FEATURES = sorted((ROOT / "features").glob("*.feature"))


def parse(path: Path) -> dict:
    return Parser().parse(path.read_text())


def scenarios_with_tags(document: dict):
    """(scenario name, all tags that apply to it: feature, rule and scenario level)."""
    feature = document["feature"]
    feature_tags = [t["name"] for t in feature["tags"]]
    for child in feature["children"]:
        if "rule" in child:
            rule_tags = [t["name"] for t in child["rule"]["tags"]]
            for inner in child["rule"]["children"]:
                if "scenario" in inner:
                    s = inner["scenario"]
                    yield s["name"], feature_tags + rule_tags + [t["name"] for t in s["tags"]]
        elif "scenario" in child:
            s = child["scenario"]
            yield s["name"], feature_tags + [t["name"] for t in s["tags"]]


def all_scenarios():
    for path in FEATURES:
        yield from ((path.name, *pair) for pair in scenarios_with_tags(parse(path)))


def test_there_are_features():
    assert len(FEATURES) >= 4


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_every_feature_parses_with_the_official_gherkin_parser(path):
    document = parse(path)
    assert document["feature"]["name"]
    assert document["feature"]["description"].strip(), "a feature opens with its narrative"


def test_every_requirement_has_a_scenario_and_every_tag_a_requirement():
    tagged = {
        tag.removeprefix("@req:")
        for _, _, tags in all_scenarios()
        for tag in tags
        if tag.startswith("@req:")
    }
    known = set(requirements())
    assert not known - tagged, f"requirements with no scenario: {sorted(known - tagged)}"
    assert not tagged - known, f"tags naming unknown requirements: {sorted(tagged - known)}"


def test_every_scenario_proves_a_requirement_and_uses_only_known_tags():
    for feature, scenario, tags in all_scenarios():
        assert any(t.startswith("@req:") for t in tags), f"{feature}: {scenario!r} has no @req"
        for tag in tags:
            kind, _, value = tag[1:].partition(":")
            ok = (
                (kind in {"epic", "story", "req"} and value)
                or (kind == "severity" and value in SEVERITIES)
                or tag[1:] in PLAIN_TAGS
            )
            assert ok, f"{feature}: {scenario!r} has the unknown tag {tag}"


def test_every_catalogued_defect_names_known_requirements():
    known = set(requirements())
    for name, expectation in defect_expectations().items():
        assert expectation.caught_by, f"{name} names no requirement to catch it"
        unknown = set(expectation.caught_by) - known
        assert not unknown, f"{name} names unknown requirements {sorted(unknown)}"


def test_the_service_and_the_suite_list_the_same_defects():
    from service.defects import CATALOGUE

    assert set(CATALOGUE) == set(defect_expectations())
    assert len(CATALOGUE) >= 8


MACHINERY = re.compile(
    r"\b(GET|POST|PUT|PATCH|DELETE|HTTP|JSON|SQL|API|URL|endpoint|payload|header|status code"
    r"|(?:returns?|answers?|responds?|with|gets?|status|code)\s+[1-5]\d\d(?!\s+(?:credits|pence))"
    r"|/api/|Redis|Postgres|database row|column|table|true|false|null)\b"
)


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.name)
def test_feature_lines_speak_product_language(path):
    offending = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip()
        if text.startswith(("@", "#", "|")):
            continue
        if match := MACHINERY.search(text):
            offending.append(f"line {number}: {match.group(0)!r} in {text!r}")
    assert not offending, "feature lines name the machinery:\n" + "\n".join(offending)


def test_every_requirement_is_proven_by_a_catalogued_defect():
    """The gate: a requirement no catalogued defect names could have scenarios that never fail."""
    proven = {req for e in defect_expectations().values() for req in e.caught_by}
    unproven = sorted(set(requirements()) - proven)
    assert not unproven, (
        f"requirements no catalogued defect proves (add one to service/defects/ and "
        f"catalogue/defects.toml): {', '.join(unproven)}"
    )
