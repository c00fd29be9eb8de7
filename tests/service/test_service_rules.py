"""Input rules: e-mail normalisation and the trimming and cutting of names."""

from __future__ import annotations

import pytest

from service.domain.rules import normalise_email, organisation_name, trim_and_cut


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (None, None),
        ("", None),
        ("   \t\n ", None),
        ("  Ann's Bakery  ", "Ann's Bakery"),
        ("  " + "N" * 250 + "  ", "N" * 200),
        ("N" * 200, "N" * 200),
        ("é" * 201, "é" * 200),
    ],
)
def test_business_names_are_trimmed_then_cut_to_200(given: str | None, kept: str | None) -> None:
    assert trim_and_cut(given, 200) == kept


def test_categories_are_cut_to_100() -> None:
    assert trim_and_cut(" " + "C" * 150, 100) == "C" * 100


def test_trimming_happens_before_cutting() -> None:
    assert trim_and_cut(" " * 300 + "Shop", 200) == "Shop"


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        (" Ann@Shop.Example ", "ann@shop.example"),
        ("a.b+c@sub.example.co.uk", "a.b+c@sub.example.co.uk"),
    ],
)
def test_emails_are_trimmed_and_lower_cased(given: str, normal: str) -> None:
    assert normalise_email(given) == normal


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ann",
        "ann@",
        "@shop.example",
        "ann@shop",
        "ann@@shop.example",
        "a n@shop.example",
        "ann@shop..example",
        "ann@shop.example.",
    ],
)
def test_malformed_emails_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_email(bad)


def test_the_organisation_is_named_after_the_business_or_else_the_email_domain() -> None:
    assert organisation_name("  Ann's  ", "ann@shop.example") == "Ann's"
    assert organisation_name(None, "ann@shop.example") == "shop.example"
    assert organisation_name("   ", "ann@shop.example") == "shop.example"
