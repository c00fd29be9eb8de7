"""Request bodies: the shapes and value rules the API accepts."""

from __future__ import annotations

import functools
import sys
import unicodedata
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    model_validator,
)

from service.domain.rules import (
    CHARGE_DESCRIPTION_MAX,
    CHARGE_MAX_PENCE,
    ENDPOINT_URL_MAX,
    EVENT_NAMES,
    FIRST_STEP,
    LAST_STEP,
    ORDER_LINES_MAX,
    ORDER_QUANTITY_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    PRICE_MAX_PENCE,
    PRODUCT_NAME_MAX,
    RESERVATION_TTL_MAX,
    RESERVATION_TTL_MIN,
    RULES,
    SKU_PATTERN,
    STOCK_MAX,
    TOP_UP_MAX_PENCE,
    TOP_UP_MIN_PENCE,
    normalise_email,
    password,
    plain_text,
)
from service.stores.webhooks import EVENT_TYPES


@functools.cache
def _refused_characters() -> str:
    """The control and formatting characters `plain_text` refuses, as a regex character class
    body (escapes in the Basic Multilingual Plane, the few beyond it as themselves)."""
    spans: list[list[int]] = []
    for point in range(sys.maxunicode + 1):
        if unicodedata.category(chr(point)) in ("Cc", "Cf"):
            if spans and spans[-1][1] == point - 1:
                spans[-1][1] = point
            else:
                spans.append([point, point])

    def shown(point: int) -> str:
        return f"\\u{point:04x}" if point <= 0xFFFF else chr(point)

    return "".join(shown(a) if a == b else f"{shown(a)}-{shown(b)}" for a, b in spans)


def plain_text_schema(**documented: object):
    """Free text refuses control and formatting characters: documented as a pattern so that
    clients and fuzzers send text the rule accepts (with `documented`, such as a length).

    The pattern is worked out when the API's document is first made, not at import: it looks
    at every Unicode character (a third of a second, which every start of the service paid)."""

    def extra(schema: dict[str, Any]) -> None:
        schema.update(documented, pattern=f"^[^{_refused_characters()}]*$")

    return extra


# Documented as an e-mail address (so that clients and fuzzers send one); the service's own rule
# (`normalise_email`) still decides.
Email = Annotated[
    StrictStr, Field(json_schema_extra={"format": "email"}), AfterValidator(normalise_email)
]
# The shortest length is documented only: the password rule says it in a sentence for people.
Password = Annotated[
    StrictStr,
    Field(max_length=PASSWORD_MAX, json_schema_extra=plain_text_schema(minLength=PASSWORD_MIN)),
    AfterValidator(password),
]
Text = Annotated[
    StrictStr, Field(json_schema_extra=plain_text_schema()), AfterValidator(plain_text)
]


def _whole_number(value: object) -> object:
    """A JSON number with nothing after the point (2000.0) is the whole number it equals, as
    JSON Schema's "integer" says; fractions, text and true/false stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE_NUMBER = BeforeValidator(_whole_number)  # after the bounds, so that they are documented
EventName = Literal[EVENT_NAMES]  # type: ignore[valid-type]
WebhookEventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _declared_members_only(cls, data: Any) -> Any:
        """OWASP API3: a member the request does not declare never reaches the platform."""
        if isinstance(data, dict):
            return RULES.body_members(frozenset(cls.model_fields), data)
        return data


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
    # The range is the domain's rule (Onboarding.record_event, so a defect can loosen it); the
    # document still states it.
    step_index: Annotated[
        StrictInt,
        WHOLE_NUMBER,
        Field(json_schema_extra={"minimum": FIRST_STEP, "maximum": LAST_STEP}),
    ]


class CompletionBody(_Body):
    business_name: Text | None = None
    category: Text | None = None


class TopUpBody(_Body):
    # The range is the domain's rule (Wallet.top_up); the document still states it.
    amount_pence: Annotated[
        StrictInt,
        WHOLE_NUMBER,
        Field(json_schema_extra={"minimum": TOP_UP_MIN_PENCE, "maximum": TOP_UP_MAX_PENCE}),
    ]


class ChargeBody(_Body):
    amount_pence: Annotated[StrictInt, Field(ge=1, le=CHARGE_MAX_PENCE), WHOLE_NUMBER]
    # The longest description is the domain's rule (Wallet.spend); the document still states it.
    description: Annotated[
        StrictStr,
        Field(min_length=1, json_schema_extra=plain_text_schema(maxLength=CHARGE_DESCRIPTION_MAX)),
        AfterValidator(plain_text),
    ]


Sku = Annotated[StrictStr, Field(pattern=SKU_PATTERN)]
# A new product's SKU is the domain's rule (Orders.add_product); the document still states it.
NewSku = Annotated[StrictStr, Field(json_schema_extra={"pattern": SKU_PATTERN})]
Quantity = Annotated[StrictInt, Field(ge=1, le=ORDER_QUANTITY_MAX), WHOLE_NUMBER]
# The most of one product an order takes is the domain's rule (Orders.place); the document still
# states it.
OrderedQuantity = Annotated[
    StrictInt,
    Field(ge=1, json_schema_extra={"maximum": ORDER_QUANTITY_MAX}),
    WHOLE_NUMBER,
]


class ProductBody(_Body):
    sku: NewSku
    name: Annotated[
        StrictStr,
        # The longest name is the domain's rule (Orders.add_product); the document states it.
        Field(min_length=1, json_schema_extra=plain_text_schema(maxLength=PRODUCT_NAME_MAX)),
        AfterValidator(plain_text),
    ]
    # The ranges are the domain's rules (Orders.add_product); the document still states them.
    price_pence: Annotated[
        StrictInt,
        Field(json_schema_extra={"minimum": 1, "maximum": PRICE_MAX_PENCE}),
        WHOLE_NUMBER,
    ]
    stock: Annotated[
        StrictInt, Field(json_schema_extra={"minimum": 0, "maximum": STOCK_MAX}), WHOLE_NUMBER
    ]


class RestockBody(_Body):
    # The range is the domain's rule (Orders.restock); the document still states it.
    quantity: Annotated[
        StrictInt, Field(json_schema_extra={"minimum": 1, "maximum": STOCK_MAX}), WHOLE_NUMBER
    ]


class OrderSettingsBody(_Body):
    # The range is the domain's rule (Orders.set_reservation_ttl); the document still states it.
    reservation_ttl_seconds: Annotated[
        StrictInt,
        Field(json_schema_extra={"minimum": RESERVATION_TTL_MIN, "maximum": RESERVATION_TTL_MAX}),
        WHOLE_NUMBER,
    ]


class OrderLine(_Body):
    sku: Sku
    quantity: OrderedQuantity


class RefundLine(OrderLine):
    quantity: Quantity


def _one_line_per_sku(lines: list[OrderLine]) -> list[OrderLine]:
    if len({line.sku for line in lines}) != len(lines):
        raise ValueError("names the same SKU twice")
    return lines


class OrderBody(_Body):
    # The most lines is the domain's rule (Orders.place); the document still states it.
    items: Annotated[
        list[OrderLine],
        Field(min_length=1, json_schema_extra={"maxItems": ORDER_LINES_MAX}),
        AfterValidator(_one_line_per_sku),
    ]
    # The customer's card, as the payment provider's browser library hands it to the shop.
    payment_method: Annotated[StrictStr, Field(min_length=1, max_length=255)]


class RefundBody(_Body):
    # None refunds everything not yet refunded.
    items: (
        Annotated[
            list[RefundLine],
            Field(min_length=1, max_length=ORDER_LINES_MAX),
            AfterValidator(_one_line_per_sku),
        ]
        | None
    ) = None


class SubscriptionBody(_Body):
    url: Annotated[
        StrictStr,
        # The longest address is the domain's rule (Webhooks.subscribe); the document states it.
        Field(
            min_length=1,
            json_schema_extra={"maxLength": ENDPOINT_URL_MAX, "pattern": "^https://"},
        ),
        AfterValidator(plain_text),
    ]
    event_types: Annotated[list[WebhookEventType], Field(min_length=1)]


class DeliveryRunBody(_Body):
    now: AwareDatetime
    organisation_ids: list[uuid.UUID] | None = None
