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
    kind: Literal["top_up", "charge", "refund", "bonus", "reversal"]
    amount_pence: Annotated[
        int, Field(description="negative for a charge, and for a top-up taken back (reversal)")
    ]
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


class TopUpStateAnswer(_Answer):
    id: Uuid
    amount_pence: Annotated[int, Field(ge=1)]
    status: Literal[
        "creating",
        "awaiting_payment",
        "succeeded",
        "failed",
        "needs_review",
        "refunded",
        "disputed",
    ]
    review_reason: str | None  # why a confirmed payment is held for review


class ReceivedAnswer(_Answer):
    received: Literal[True]


class ProductAnswer(_Answer):
    sku: str
    name: str
    price_pence: Annotated[int, Field(ge=1)]
    stock: Pence


class StockedProductAnswer(ProductAnswer):
    available: Annotated[int, Field(ge=0, description="in stock and not held by an order")]


class ProductsAnswer(_Answer):
    products: list[StockedProductAnswer]


class OrderSettingsAnswer(_Answer):
    reservation_ttl_seconds: Annotated[int, Field(ge=1)]


class OrderItemAnswer(_Answer):
    sku: str
    quantity: Annotated[int, Field(ge=1)]
    unit_price_pence: Annotated[int, Field(ge=1)]
    refunded_quantity: Annotated[int, Field(ge=0)]


class OrderAnswer(_Answer):
    id: Uuid
    status: Literal["reserving", "awaiting_payment", "paid", "failed", "refunded"]
    # Why money the order took waits for an operator (its card was charged, but it was not
    # sold and the refund failed, or the payment came after the order had failed); else null.
    review_reason: str | None
    total_pence: Pence
    items: list[OrderItemAnswer]
    created_at: Timestamp


class RefundedItemAnswer(_Answer):
    sku: str
    quantity: Annotated[int, Field(ge=1)]


class RefundAnswer(_Answer):
    id: Uuid
    order_id: Uuid
    amount_pence: Annotated[int, Field(ge=1)]
    items: list[RefundedItemAnswer]
    created_at: Timestamp


class SubscriptionAnswer(_Answer):
    id: Uuid
    url: str
    event_types: list[str]
    created_at: Timestamp


class NewSubscriptionAnswer(SubscriptionAnswer):
    secret: Annotated[str, Field(description="the signing secret, shown this once")]


class SubscriptionsAnswer(_Answer):
    subscriptions: list[SubscriptionAnswer]


class DeliveryAttemptAnswer(_Answer):
    attempted_at: Timestamp
    status_code: Annotated[int | None, Field(description="none when no answer came")]
    answer: str


class DeliveryAnswer(_Answer):
    id: Uuid
    event_id: Uuid
    event_type: str
    status: Literal["pending", "delivered", "failed"]
    attempts: Annotated[int, Field(ge=0)]
    next_attempt_at: Timestamp | None
    history: list[DeliveryAttemptAnswer]


class DeliveriesAnswer(_Answer):
    deliveries: list[DeliveryAnswer]


class DeliveryRunAnswer(_Answer):
    processed: Annotated[int, Field(ge=0)]
    delivered: Annotated[int, Field(ge=0)]
    retrying: Annotated[int, Field(ge=0)]
    failed: Annotated[int, Field(ge=0)]


class AbandonmentRunAnswer(_Answer):
    id: Annotated[int, Field(ge=1)]
    now: Timestamp
    scope: str
    started_at: Timestamp
    finished_at: Timestamp | None
    processed: Annotated[int, Field(ge=0)]
    sent: Annotated[int, Field(ge=0)]
    skipped: Annotated[int, Field(ge=0)]
    failed: Annotated[int, Field(ge=0)]
    errors: list[str]
