"""Validation failures become one plain sentence that never names a field or pydantic."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from service.api.schemas import CompletionBody, EventBody, NewMemberBody, SignUpBody
from service.api.validation_messages import describe_validation_errors

FORBIDDEN = [
    "event_name",
    "step_index",
    "business_name",
    "password_hash",
    "org_id",
    "body",
    "loc",
    "pydantic",
    "Input should",
    "type=",
    "errors.pydantic.dev",
    "literal_error",
    "int_type",
]


def message_for(model: type, data: object) -> str:
    with pytest.raises(ValidationError) as failed:
        model.model_validate(data)
    errors = [{**e, "loc": ("body", *e["loc"])} for e in failed.value.errors()]
    return describe_validation_errors(errors)


CASES = [
    (EventBody, {"event_name": "hacked", "step_index": 1}, "event name"),
    (EventBody, {"event_name": "step_viewed", "step_index": 5}, "step"),
    (EventBody, {"event_name": "step_viewed", "step_index": -1}, "step"),
    (EventBody, {"event_name": "step_viewed", "step_index": True}, "step"),
    (EventBody, {"event_name": "step_viewed", "step_index": "2"}, "step"),
    (EventBody, {"event_name": "step_viewed"}, "The step is required."),
    (EventBody, {"step_index": 1}, "The event name is required."),
    (SignUpBody, {"email": "nope", "password": "violet tractor 27 lantern"}, "email address"),
    (SignUpBody, {"email": "a@b.cd", "password": "short"}, "password"),
    (
        SignUpBody,
        {"email": "a@b.cd", "password": "violet tractor 27 lantern", "business_name": 7},
        "business",
    ),
    (
        NewMemberBody,
        {"email": "a@b.cd", "password": "violet tractor 27 lantern", "role": "owner"},
        "role",
    ),
    (CompletionBody, {"category": ["x"]}, "category"),
]


@pytest.mark.parametrize(("model", "data", "expected"), CASES)
def test_messages_speak_of_the_thing_not_the_field(
    model: type, data: object, expected: str
) -> None:
    message = message_for(model, data)
    assert expected in message
    assert message.endswith(".")
    for leak in FORBIDDEN:
        assert leak not in message, f"{leak!r} leaked into {message!r}"


def test_malformed_json_and_wrong_body_shapes() -> None:
    assert "not valid JSON" in describe_validation_errors(
        [{"type": "json_invalid", "loc": ("body", 3), "msg": "JSON decode error"}]
    )
    assert "JSON object" in describe_validation_errors(
        [{"type": "model_attributes_type", "loc": ("body",), "msg": "Input should be a dict"}]
    )
    assert "needs a JSON body" in describe_validation_errors(
        [{"type": "missing", "loc": ("body",), "msg": "Field required"}]
    )


def test_unknown_fields_get_a_generic_sentence() -> None:
    message = describe_validation_errors(
        [{"type": "missing", "loc": ("body", "secret_column_x"), "msg": "Field required"}]
    )
    assert message == "The request is not valid."
    assert describe_validation_errors([]) == "The request is not valid."


def test_raw_pydantic_messages_are_never_passed_through() -> None:
    error = {"type": "int_type", "loc": ("body", "step_index"), "msg": "Input should be int"}
    assert "Input should" not in json.dumps(describe_validation_errors([error]))
