"""Success bodies: the shapes the API promises, as the OpenAPI document shows them.

Each router names its model with `response_model=` (see `service/api/contract.py` for
refusals). Identifiers and times stay strings on the wire, documented with their formats, so
that what a client reads is exactly what the service wrote.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Uuid = Annotated[str, Field(json_schema_extra={"format": "uuid"})]
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
EmailAddress = Annotated[str, Field(json_schema_extra={"format": "email"})]
Pence = Annotated[int, Field(ge=0)]
Role = Literal["owner", "admin", "viewer"]


class _Answer(BaseModel):
    # A documented answer has exactly these fields: anything more would be a leak or a change.
    model_config = ConfigDict(extra="forbid")


class HealthAnswer(_Answer):
    status: Literal["ok", "degraded"]
    database: Literal["up", "down"]
    redis: Literal["up", "down"]


class OrganisationRef(_Answer):
    id: Uuid
    name: str


class UserAnswer(_Answer):
    id: Uuid
    email: EmailAddress
    role: Role


class SignedUpAnswer(_Answer):
    organisation: OrganisationRef
    user: UserAnswer


class TokenAnswer(_Answer):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: Annotated[int, Field(gt=0, description="seconds")]


class ProfileOrganisation(_Answer):
    id: Uuid
    name: str
    business_name: str | None
    category: str | None


class ProfileAnswer(_Answer):
    user: UserAnswer
    organisation: ProfileOrganisation


class AcceptedAnswer(_Answer):
    accepted: Literal[True]


class OnboardingStatusAnswer(_Answer):
    needs_onboarding: bool


class CompletionAnswer(_Answer):
    completed: Literal[True]
    completed_at: Timestamp
    business_name: str | None
    category: str | None


class PhoneNumberAnswer(_Answer):
    phone_number: Annotated[str, Field(pattern=r"^\+[1-9][0-9]{1,14}$")]
    newly_provisioned: bool


class WalletAnswer(_Answer):
    balance_pence: Pence
    purchased_pence: Pence
    spent_pence: Pence
    refunded_pence: Pence
    bonus_pence: Pence
    net_pence: int


class LedgerEntryAnswer(_Answer):
    id: int
    kind: Literal["top_up", "charge", "refund", "bonus"]
    amount_pence: Annotated[int, Field(description="negative for a charge")]
    description: str
    created_at: Timestamp


class LedgerPageAnswer(_Answer):
    entries: list[LedgerEntryAnswer]
    total: Annotated[int, Field(ge=0)]
    limit: Annotated[int, Field(ge=1)]
    offset: Annotated[int, Field(ge=0)]


class ChargeAnswer(_Answer):
    charged_pence: Annotated[int, Field(ge=1)]
    balance_pence: Pence


class TopUpAnswer(_Answer):
    id: Uuid
    amount_pence: Annotated[int, Field(ge=1)]
    status: Literal["creating", "awaiting_payment", "succeeded", "failed"]
    client_secret: str


class ReceivedAnswer(_Answer):
    received: Literal[True]
