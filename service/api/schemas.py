"""Request bodies: the shapes and value rules the API accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr

from service.domain.rules import (
    CHARGE_DESCRIPTION_MAX,
    CHARGE_MAX_PENCE,
    EVENT_NAMES,
    PASSWORD_MAX,
    PASSWORD_MIN,
    no_nul,
    normalise_email,
)

Email = Annotated[StrictStr, AfterValidator(normalise_email)]
Password = Annotated[
    StrictStr, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX), AfterValidator(no_nul)
]
# Sign-up's password length is the domain's rule (Accounts); the schema only bounds its size.
SignUpPassword = Annotated[StrictStr, Field(max_length=PASSWORD_MAX), AfterValidator(no_nul)]
Text = Annotated[StrictStr, AfterValidator(no_nul)]
EventName = Literal[EVENT_NAMES]  # type: ignore[valid-type]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SignUpBody(_Body):
    email: Email
    password: SignUpPassword
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
    step_index: StrictInt  # its range is the domain's rule (Onboarding.record_event)


class CompletionBody(_Body):
    business_name: Text | None = None
    category: Text | None = None


class TopUpBody(_Body):
    amount_pence: StrictInt  # its range is the domain's rule (Wallet.top_up)


class ChargeBody(_Body):
    amount_pence: Annotated[StrictInt, Field(ge=1, le=CHARGE_MAX_PENCE)]
    description: Annotated[
        StrictStr, Field(min_length=1, max_length=CHARGE_DESCRIPTION_MAX), AfterValidator(no_nul)
    ]
