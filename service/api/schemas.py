"""Request bodies: the shapes and value rules the API accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr

from service.domain.rules import (
    CHARGE_DESCRIPTION_MAX,
    CHARGE_MAX_PENCE,
    EVENT_NAMES,
    FIRST_STEP,
    LAST_STEP,
    PASSWORD_MAX,
    TOP_UP_MAX_PENCE,
    TOP_UP_MIN_PENCE,
    normalise_email,
    password,
    plain_text,
)

Email = Annotated[StrictStr, AfterValidator(normalise_email)]
Password = Annotated[StrictStr, Field(max_length=PASSWORD_MAX), AfterValidator(password)]
Text = Annotated[StrictStr, AfterValidator(plain_text)]
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
    step_index: Annotated[StrictInt, Field(ge=FIRST_STEP, le=LAST_STEP)]


class CompletionBody(_Body):
    business_name: Text | None = None
    category: Text | None = None


class TopUpBody(_Body):
    amount_pence: Annotated[StrictInt, Field(ge=TOP_UP_MIN_PENCE, le=TOP_UP_MAX_PENCE)]


class ChargeBody(_Body):
    amount_pence: Annotated[StrictInt, Field(ge=1, le=CHARGE_MAX_PENCE)]
    description: Annotated[
        StrictStr,
        Field(min_length=1, max_length=CHARGE_DESCRIPTION_MAX),
        AfterValidator(plain_text),
    ]
