"""Request bodies: the shapes and value rules the API accepts."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
)

from service.domain.rules import (
    CHARGE_DESCRIPTION_MAX,
    CHARGE_MAX_PENCE,
    EVENT_NAMES,
    ORDER_LINES_MAX,
    ORDER_QUANTITY_MAX,
    PASSWORD_MAX,
    PRICE_MAX_PENCE,
    PRODUCT_NAME_MAX,
    RESERVATION_TTL_MAX,
    RESERVATION_TTL_MIN,
    SKU_PATTERN,
    STOCK_MAX,
    normalise_email,
    password,
    plain_text,
)
from service.stores.webhooks import EVENT_TYPES

Email = Annotated[StrictStr, AfterValidator(normalise_email)]
Password = Annotated[StrictStr, Field(max_length=PASSWORD_MAX), AfterValidator(password)]
Text = Annotated[StrictStr, AfterValidator(plain_text)]
EventName = Literal[EVENT_NAMES]  # type: ignore[valid-type]
WebhookEventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
URL_MAX = 2000


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
    step_index: StrictInt  # its range is the domain's rule (Onboarding.record_event)


class CompletionBody(_Body):
    business_name: Text | None = None
    category: Text | None = None


class TopUpBody(_Body):
    amount_pence: StrictInt  # its range is the domain's rule (Wallet.top_up)


class ChargeBody(_Body):
    amount_pence: Annotated[StrictInt, Field(ge=1, le=CHARGE_MAX_PENCE)]
    description: Annotated[
        StrictStr,
        Field(min_length=1, max_length=CHARGE_DESCRIPTION_MAX),
        AfterValidator(plain_text),
    ]


Sku = Annotated[StrictStr, Field(pattern=SKU_PATTERN)]
Quantity = Annotated[StrictInt, Field(ge=1, le=ORDER_QUANTITY_MAX)]


class ProductBody(_Body):
    sku: Sku
    name: Annotated[
        StrictStr, Field(min_length=1, max_length=PRODUCT_NAME_MAX), AfterValidator(plain_text)
    ]
    price_pence: Annotated[StrictInt, Field(ge=1, le=PRICE_MAX_PENCE)]
    stock: Annotated[StrictInt, Field(ge=0, le=STOCK_MAX)]


class RestockBody(_Body):
    quantity: Annotated[StrictInt, Field(ge=1, le=STOCK_MAX)]


class OrderSettingsBody(_Body):
    reservation_ttl_seconds: Annotated[
        StrictInt, Field(ge=RESERVATION_TTL_MIN, le=RESERVATION_TTL_MAX)
    ]


class OrderLine(_Body):
    sku: Sku
    quantity: Quantity


def _one_line_per_sku(lines: list[OrderLine]) -> list[OrderLine]:
    if len({line.sku for line in lines}) != len(lines):
        raise ValueError("names the same SKU twice")
    return lines


class OrderBody(_Body):
    items: Annotated[
        list[OrderLine],
        Field(min_length=1, max_length=ORDER_LINES_MAX),
        AfterValidator(_one_line_per_sku),
    ]
    # The customer's card, as the payment provider's browser library hands it to the shop.
    payment_method: Annotated[StrictStr, Field(min_length=1, max_length=255)]


class RefundBody(_Body):
    # None refunds everything not yet refunded.
    items: (
        Annotated[
            list[OrderLine],
            Field(min_length=1, max_length=ORDER_LINES_MAX),
            AfterValidator(_one_line_per_sku),
        ]
        | None
    ) = None


class SubscriptionBody(_Body):
    url: Annotated[StrictStr, Field(min_length=1, max_length=URL_MAX), AfterValidator(plain_text)]
    event_types: Annotated[list[WebhookEventType], Field(min_length=1)]


class DeliveryRunBody(_Body):
    now: AwareDatetime
    organisation_ids: list[uuid.UUID] | None = None
