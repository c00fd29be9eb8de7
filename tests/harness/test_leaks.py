"""The leak finder: what an error message must never show is found; plain sentences pass."""

from support.checks.leaks import LeakContext, find_leaks
from support.report.redaction import SECRETS

SECRETS.add("tok-abcdefghijkl")

CONTEXT = LeakContext(
    schema_names=frozenset({"organisations", "onboarding_events", "org_id"}),
    hidden_ids={"0b5f3c1e-1111-4222-8333-944445555666"},
)


def test_a_plain_sentence_reveals_nothing():
    assert find_leaks('{"error":{"code":"not_found","message":"Not found."}}', CONTEXT) == []


def test_each_kind_of_leak_is_named():
    cases = {
        'Traceback (most recent call last):\n  File "/app/x.py", line 3': "a stack trace",
        "error in /srv/service/stores/onboarding.py": "a file path",
        "SELECT id FROM organisations WHERE": "database language",
        "duplicate key value violates unique constraint": "database language",
        "bad value for org_id": "table or column names",
        "your token tok-abcdefghijkl is bad": "an access token",
        "jwt.exceptions.DecodeError: Not enough segments": "inner workings",
        "UniqueViolation: already there": "an error class",
        "RaiseException from the trigger": "an error class",
        "psycopg.errors.CheckViolation": "an error class",
        "HTTPException raised": "an error class",
        "OperationalError: the server closed the connection": "an error class",
        "belongs to 0b5f3c1e-1111-4222-8333-944445555666": "internal identifiers",
    }
    for text, kind in cases.items():
        found = find_leaks(text, CONTEXT)
        assert any(kind in f for f in found), (text, found)


def test_plain_words_ending_like_class_names_are_not_leaks():
    plain = "Error: that conflicts. Violation of our terms. Warning: check it."
    assert find_leaks(plain, CONTEXT) == []
