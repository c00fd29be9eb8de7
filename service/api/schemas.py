"""Request bodies: the shapes and value rules the API accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
)

from service.domain.rules import (
    CHARGE_DESCRIPTION_MAX,
    CHARGE_MAX_PENCE,
    EVENT_NAMES,
    FIRST_STEP,
    LAST_STEP,
    PASSWORD_MAX,
    PASSWORD_MIN,
    TOP_UP_MAX_PENCE,
    TOP_UP_MIN_PENCE,
    no_nul,
    normalise_email,
)

# PostgreSQL text cannot hold NUL, so text and passwords refuse it: documented as a pattern.
NO_NUL = {"pattern": "^[^\\u0000]*$"}
# Documented as an e-mail address (so that clients and fuzzers send one); the service's own rule
# (`normalise_email`) still decides.
Email = Annotated[
    StrictStr, Field(json_schema_extra={"format": "email"}), AfterValidator(normalise_email)
]
Password = Annotated[
    StrictStr,
    Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX, json_schema_extra=NO_NUL),
    AfterValidator(no_nul),
]
Text = Annotated[StrictStr, Field(json_schema_extra=NO_NUL), AfterValidator(no_nul)]


def _whole_number(value: object) -> object:
    """A JSON number with nothing after the point (2000.0) is the whole number it equals, as
    JSON Schema's "integer" says; fractions, text and true/false stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE_NUMBER = BeforeValidator(_whole_number)  # after the bounds, so that they are documented
EventName = Literal[EVENT_NAMES]  # type: ignore[valid-type]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SignUpBody(_Body):
    email: Email
    password: Password
    business_name: Text | None = None


class LogInBody(_Body):
    email: Annotated[StrictStr, Field(max_length=320)]
    password: Annotated[StrictStr, Field(max_length=PASSWORD_MAX)]


class NewMemberBody(_Body):
    email: Email
    password: Password
    role: Literal["admin", "viewer"]


class EventBody(_Body):
    event_name: EventName
    step_index: Annotated[StrictInt, Field(ge=FIRST_STEP, le=LAST_STEP), WHOLE_NUMBER]


class CompletionBody(_Body):
    business_name: Text | None = None
    category: Text | None = None


class TopUpBody(_Body):
    amount_pence: Annotated[
        StrictInt, Field(ge=TOP_UP_MIN_PENCE, le=TOP_UP_MAX_PENCE), WHOLE_NUMBER
    ]


class ChargeBody(_Body):
    amount_pence: Annotated[StrictInt, Field(ge=1, le=CHARGE_MAX_PENCE), WHOLE_NUMBER]
    description: Annotated[
        StrictStr,
        Field(min_length=1, max_length=CHARGE_DESCRIPTION_MAX, json_schema_extra=NO_NUL),
        AfterValidator(no_nul),
    ]
