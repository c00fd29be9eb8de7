"""Redaction: no token, password, signing secret or card number survives into the report."""

import datetime
import enum
import json

import pytest

from support.report.evidence import HttpExchange
from support.report.redaction import (
    REDACTED,
    SECRETS,
    _copy_masked,
    pretty_json,
    redact_data,
    redact_headers,
    redact_text,
    redact_together,
    redacted_body,
)


class _Kind(enum.StrEnum):
    SHOWN = "shown"


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWhlcmU"


def test_authorization_and_signature_headers_are_masked():
    headers = dict(
        redact_headers(
            [
                ("Authorization", f"Bearer {JWT}"),
                ("Stripe-Signature", "t=1,v1=abcdef0123456789abcdef"),
                ("Content-Type", "application/json"),
            ]
        )
    )
    assert headers["Authorization"] == f"Bearer {REDACTED}"
    assert headers["Stripe-Signature"] == REDACTED
    assert headers["Content-Type"] == "application/json"


def test_sensitive_json_keys_are_masked_at_any_depth():
    body = json.dumps(
        {"email": "a@example.com", "password": "hunter2hunter2", "nested": [{"access_token": "x"}]}
    )
    shown = json.loads(redacted_body(body).pretty())
    assert shown == {
        "email": "a@example.com",
        "password": REDACTED,
        "nested": [{"access_token": REDACTED}],
    }


def test_secret_shapes_are_removed_from_free_text():
    text = f"token {JWT} key sk_test_abcdefgh123 hook whsec_abcdefgh123 card 4242 4242 4242 4242"
    shown = redact_text(text)
    for secret in (JWT, "sk_test_abcdefgh123", "whsec_abcdefgh123", "4242 4242 4242 4242"):
        assert secret not in shown


def test_an_international_phone_number_is_kept_and_a_card_number_is_not():
    shown = redact_text("number +4412345678901235, card 4412345678901235")
    assert shown == "number +4412345678901235, card «redacted»"


def test_registered_secrets_are_removed_wherever_they_appear():
    SECRETS.add("correct-horse-battery")
    assert "correct-horse-battery" not in redact_text("the password is correct-horse-battery!")


def test_an_exchange_renders_without_its_secrets_but_with_a_curl_to_repeat_it():
    SECRETS.add("plain-password-123")
    exchange = HttpExchange(
        method="POST",
        url="http://127.0.0.1:1/api/auth/login",
        request_headers=[("authorization", f"Bearer {JWT}"), ("content-type", "application/json")],
        request_body=b'{"email":"a@example.com","password":"plain-password-123"}',
        status=200,
        response_headers=[("content-type", "application/json")],
        response_body=json.dumps({"access_token": JWT, "token_type": "bearer"}).encode(),
        duration_ms=12.0,
    )
    rendered = exchange.render()
    assert JWT not in rendered and "plain-password-123" not in rendered
    assert "curl -sS -X POST" in rendered and "$MERCHANT_TOKEN" in rendered
    assert "a@example.com" in rendered and "status 200" in rendered


def test_step_arguments_shown_in_the_report_hide_passwords_and_tokens():
    from support.builders.data import AccountDetails
    from support.drivers.accounts import Account

    account = Account("a@example.com", "pass-word-123", "org", "user", "owner", JWT)
    details = AccountDetails("a@example.com", "pass-word-123", "Shop")
    for shown in (repr(account), repr(details)):
        assert "pass-word-123" not in shown and JWT not in shown and "a@example.com" in shown


def test_the_run_audit_names_every_result_file_holding_a_secret(tmp_path):
    from support.report.results_folder import leaked_secrets

    results, secrets_dir = tmp_path / "results", tmp_path / "secrets"
    results.mkdir()
    secrets_dir.mkdir()
    (secrets_dir / "gw0.json").write_text(json.dumps(["worker-secret-value"]))
    (results / "a-result.json").write_text('{"parameters": "worker-secret-value"}')
    (results / "b-attachment.txt").write_text("own-secret-value here")
    (results / "c-result.json").write_text("nothing to see")
    found = leaked_secrets(results, secrets_dir, ["own-secret-value"])
    assert found == [
        "a-result.json: a password or secret the run used",
        "b-attachment.txt: a password or secret the run used",
    ]


def test_the_target_shows_no_credentials_or_operator_token_in_the_report():
    from support.target.credentials import ProviderCredentials
    from support.target.run import LiveTarget

    credentials = ProviderCredentials.new()
    target = LiveTarget(
        "http://127.0.0.1:1",
        "postgresql://suite:pw-for-db@127.0.0.1/x",
        "redis://127.0.0.1/0",
        in_process=True,
        providers=credentials,
        operator_token=credentials.operator_token,
    )
    shown = repr(target)
    assert credentials.operator_token not in shown
    assert "pw-for-db" not in shown
    assert shown == "<the target at http://127.0.0.1:1>"


@pytest.mark.parametrize("others", [0, 30, 31, 32, 33, 64])
def test_a_registered_secret_is_found_wherever_it_starts_whatever_its_length(others: int):
    # The registry's automaton is rebuilt once for every 32 new values, and the values added
    # since are looked for one by one: each value must be found either way, at every offset,
    # from the shortest kept (8 characters) to long ones, whether it came before, at or after
    # a rebuild.
    from support.report.redaction import SecretRegistry

    registry = SecretRegistry()
    values = ["8chars!!", "nine-char", "ten-chars!", "eleven-char", "a-much-longer-secret-value"]
    for index in range(others):
        registry.add(f"another-secret-{index:03d}")
    for value in values:
        registry.add(value)
    registry.add("short")  # too short to keep: it would redact ordinary words
    for value in values:
        for offset in range(9):
            for tail in range(5):
                text = "x" * offset + value + "y" * tail
                assert registry.found_in(text) == {value}, (value, offset, tail)
                assert registry.redact(text) == "x" * offset + REDACTED + "y" * tail
    assert registry.found_in("a short word") == set()
    every = {f"another-secret-{index:03d}" for index in range(others)} | set(values)
    assert registry.found_in(" ".join(sorted(every))) == every


# With 27 others the five values fill the automaton's 32, and are found by it; with none they
# are recent, and looked for one by one.
@pytest.mark.parametrize("others", [0, 27])
def test_secrets_that_overlap_or_hold_one_another_are_each_found(others: int):
    # One walk over the text finds every occurrence, overlapping ones too: a value that starts
    # inside another, or lies inside it, is redacted with it, and no part of either is left.
    from support.report.redaction import SecretRegistry

    registry = SecretRegistry()
    for index in range(others):
        registry.add(f"another-secret-{index:03d}")
    for value in ["abcdefgh12", "gh12345678", "defgh123", "bcdefgh1", "pässwörd-ünïcode"]:
        registry.add(value)
    every_one = {"abcdefgh12", "gh12345678", "defgh123", "bcdefgh1"}
    assert registry.found_in("abcdefgh12345678") == every_one
    assert registry.redact("1 abcdefgh12345678 2") == f"1 {REDACTED} 2"
    assert registry.redact("1 abcdefgh12 2") == f"1 {REDACTED} 2"  # bcdefgh1 inside
    apart = "1 abcdefgh12 gh12345678 defgh123"  # and bcdefgh1 inside the first
    assert registry.redact(apart) == f"1 {REDACTED} {REDACTED} {REDACTED}"
    assert registry.redact("abcdefgh12gh12345678.") == f"{REDACTED}."  # touching: one mark
    assert registry.found_in("Ωpässwörd-ünïcodeΩ") == {"pässwörd-ünïcode"}
    assert registry.redact("Ωpässwörd-ünïcodeΩ") == f"Ω{REDACTED}Ω"
    # A value added since (recent, whatever the others) found before and after the others,
    # every time it occurs.
    registry.add("the-latest-one")
    twice = "the-latest-one abcdefgh12 the-latest-one."
    assert registry.redact(twice) == f"{REDACTED} {REDACTED} {REDACTED}."


def test_the_card_pattern_finds_what_it_found_before_it_started_at_digits():
    # It was `(?<!\+)\b(?:\d[ -]?){13,19}\b`, tried at every position of every text; it now
    # starts with a digit. Both must replace exactly the same text, in any text made of
    # digits, separators, a plus sign, letters and the rest, of any length around the limits.
    import random
    import re

    from support.report.redaction import _CARD_NUMBER

    before = re.compile(r"(?<!\+)\b(?:\d[ -]?){13,19}\b")
    pieces = ["4", "2", "0", " ", "-", "+", "a", "_", ".", "é", "\n", "4242", "4242 ", "+44"]
    draw = random.Random(20261124)
    for _ in range(20_000):
        text = "".join(draw.choice(pieces) for _ in range(draw.randint(1, 30)))
        assert _CARD_NUMBER.sub("#", text) == before.sub("#", text), text
    for digits in range(11, 22):  # the limits, 13 and 19 digits, and either side
        for text in ["1" * digits, "+" + "1" * digits, "a" + "1" * digits, " 1" * digits]:
            assert _CARD_NUMBER.sub("#", text) == before.sub("#", text), text


def test_the_shortest_registered_secret_is_still_redacted():
    SECRETS.add("8-chars!")  # the shortest value kept: texts shorter than it are left as they are
    assert redact_text("8-chars!") == REDACTED
    assert redact_text("7-chars") == "7-chars"


def test_a_long_body_is_redacted_whole_then_cut():
    from support.report.evidence import SHOWN_BODY_CHARACTERS

    secret = "straddles-the-cut-0123456789"
    SECRETS.add(secret)
    body = ("a" * (SHOWN_BODY_CHARACTERS - 10) + secret + "b" * 100_000).encode()
    exchange = HttpExchange(
        method="POST",
        url="http://127.0.0.1:1/api/webhooks/payments",
        request_headers=[("content-type", "application/json")],
        request_body=body,
        status=413,
        response_body=body,
    )
    rendered = exchange.render()
    assert secret[:10] not in rendered, "a secret cut in two must not show its first part"
    assert len(rendered) < 3 * SHOWN_BODY_CHARACTERS
    assert rendered.count(f"the body is {len(body):,} bytes long: the rest is not shown") == 2
    assert f"--data-binary @request-body # its {len(body):,} bytes are not shown" in rendered


# A document is checked whole first and redacted string by string only when something is found
# in it (redact_data, redact_headers): whatever a string holds, wherever in the document it
# sits, the document must come out as redacting each string in turn would leave it.
_INNOCENT = [f"ordinary text number {n}, nothing secret" for n in range(12)]
_SECRET_HOLDERS = {
    "a registered value": "my password is registered-value-123 indeed",
    "a token's shape": f"token {JWT}",
    "a key's shape": "key sk_live_abcdefgh123",
    "a signing secret's shape": "whsec_abcdefgh123",
    "a signature's shape": "t=1,v1=abcdef0123456789abcdef",
    "a card number": "card 4242 4242 4242 4242 on file",
    "a card number alone": "4242424242424242",
    "13 digits, the shortest card": "1234567890123",
}


@pytest.mark.parametrize("where", [0, 5, 12])
@pytest.mark.parametrize("holder", sorted(_SECRET_HOLDERS))
def test_a_secret_anywhere_in_a_document_is_redacted_as_string_by_string(holder, where):
    SECRETS.add("registered-value-123")
    texts = [*_INNOCENT]
    texts.insert(where, _SECRET_HOLDERS[holder])
    document = {"items": [{"note": text, "n": n} for n, text in enumerate(texts)], "ok": True}
    shown = redact_data(document)
    assert shown == _copy_masked(document, redact_text)
    assert _SECRET_HOLDERS[holder] not in json.dumps(shown, ensure_ascii=False)
    headers = [(f"X-Note-{n}", text) for n, text in enumerate(texts)]
    assert redact_headers(headers) == [(name, redact_text(value)) for name, value in headers]
    assert _SECRET_HOLDERS[holder] not in str(redact_headers(headers))


_PARTS = ["request headers", "request body", "response headers", "response body"]


@pytest.mark.parametrize("part", _PARTS)
@pytest.mark.parametrize("holder", sorted(_SECRET_HOLDERS))
def test_a_secret_in_any_part_of_an_exchange_is_redacted_as_string_by_string(holder, part):
    # An exchange's four parts are checked together: a secret in any one of them sends every
    # part the long way, and each comes out as redacting its strings one by one leaves it.
    SECRETS.add("registered-value-123")
    texts = {name: list(_INNOCENT[:4]) for name in _PARTS}
    texts[part].insert(2, _SECRET_HOLDERS[holder])
    headers = [
        [(f"X-Note-{n}", text) for n, text in enumerate(texts[name])] for name in _PARTS[::2]
    ]
    request_body = json.dumps({"notes": texts["request body"], "password": "p" * 12}).encode()
    response_body = "\n".join(texts["response body"]).encode()  # a body that is not JSON

    shown_headers, shown_bodies = redact_together(headers, [request_body, response_body])

    assert shown_headers == [
        [(name, redact_text(value)) for name, value in each] for each in headers
    ]
    assert shown_bodies[0].data == _copy_masked(json.loads(request_body), redact_text)
    assert shown_bodies[1].text == redact_text(response_body.decode())
    everything = repr((shown_headers, shown_bodies))
    assert _SECRET_HOLDERS[holder] not in everything and "p" * 12 not in everything


def test_an_exchange_with_nothing_secret_has_only_its_keys_and_headers_masked():
    headers = [[("Authorization", "Bearer abc.def.ghi"), ("X-Note", _INNOCENT[0])], []]
    bodies = [b'{"token": "t-123456789", "note": "ordinary text"}', b"", None, "plain text here"]
    shown_headers, shown_bodies = redact_together(headers, bodies)
    assert shown_headers == [
        [("Authorization", f"Bearer {REDACTED}"), ("X-Note", _INNOCENT[0])],
        [],
    ]
    assert [body.pretty() for body in shown_bodies] == [
        pretty_json({"token": REDACTED, "note": "ordinary text"}),
        "",
        "",
        "plain text here",
    ]


@pytest.mark.parametrize(
    "texts",
    [
        ["4242 4242 4242", "4242 4242 4242"],  # 12 digits each: a card only if they were joined
        ["1234567", "890123456789"],
        ["eyJhbGci", "OiJIUzI1NiJ9.x.y"],  # a token's start and its rest
        ["registered-", "value-123 !!"],  # a registered value cut in two
        ["+44123456789", "0123 and on"],
    ],
)
def test_what_is_secret_only_across_two_strings_is_left_as_each_string_is(texts):
    SECRETS.add("registered-value-123")
    document = {"first": texts[0], "second": texts[1]}
    assert redact_data(document) == _copy_masked(document, redact_text) == document


def test_a_document_with_nothing_secret_is_copied_with_only_its_keys_masked():
    document = {"notes": list(_INNOCENT), "password": "x" * 12, "token": None}
    shown = redact_data(document)
    assert shown == {"notes": _INNOCENT, "password": REDACTED, "token": None}
    shown["notes"].append("changed")
    assert document["notes"] == _INNOCENT  # a copy, not the document itself


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Zoë's «shop»", "empty": {}, "none": [], "nested": [{"a": [1, 2.5, None]}]},
        ['control \x00\x01\x1f\t\n\r\b\f\x7f and \u2028 \u2029 "quotes" \\ back'],
        {"amount": -1234, "ratio": 0.1, "big": 2**63 - 1, "small": -(2**63), "flag": False},
        "just a string",
        None,
        {"kind": _Kind.SHOWN},  # a subclass of text: both write the text
    ],
)
def test_pretty_json_is_what_pythons_json_writes(data):
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False, default=str)


@pytest.mark.parametrize(
    "data",
    [
        {"amount": 2**64},  # beyond 64 bits
        {"amount": -(2**63) - 1},
        {"value": float("nan"), "other": None},  # orjson would write both as null
        [None, float("inf")],
        {"value": [float("-inf")]},
        {"text": "\ud800 a lone surrogate"},
        {1: "a key that is not text"},
        {"at": datetime.datetime(2026, 11, 24, 5, 30, tzinfo=datetime.UTC)},  # orjson: ISO 8601
    ],
)
def test_pretty_json_keeps_what_orjson_would_write_otherwise(data):
    assert pretty_json(data) == json.dumps(data, indent=2, ensure_ascii=False, default=str)


def test_pretty_json_writes_the_same_numbers():
    floats = [1e-07, 2.5e-05, 1e16, 1e22, -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2]
    assert json.loads(pretty_json(floats)) == floats
