"""Products, the merchant's order settings, and orders placed by the merchant's shop."""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query

from service.api.contract import refusals, required_headers
from service.api.deps import PlatformDep, PrincipalDep
from service.api.responses import (
    OrderAnswer,
    OrderSettingsAnswer,
    ProductAnswer,
    ProductsAnswer,
)
from service.api.schemas import OrderBody, OrderSettingsBody, ProductBody, RestockBody
from service.core.errors import not_found
from service.domain.access import Action
from service.domain.orders import Stocked
from service.domain.rules import IDEMPOTENCY_KEY_PATTERN
from service.stores.orders import Order, Product

router = APIRouter(tags=["orders"])


def _product(product: Product, available: int | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "sku": product.sku,
        "name": product.name,
        "price_pence": product.price_pence,
        "stock": product.stock,
    }
    if available is not None:
        shown["available"] = available
    return shown


def order_view(order: Order) -> dict[str, Any]:
    return {
        "id": str(order.id),
        "status": order.status,
        "review_reason": order.review_reason,
        "total_pence": order.total_pence,
        "items": [
            {
                "sku": item.sku,
                "quantity": item.quantity,
                "unit_price_pence": item.unit_price_pence,
                "refunded_quantity": item.refunded_quantity,
            }
            for item in order.items
        ],
        "created_at": order.created_at.astimezone(UTC).isoformat(),
    }


def order_id_of(text: str) -> uuid.UUID:
    """An order id from a path; one that cannot be an id is simply not found."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise not_found("We could not find that order.") from None


@router.post(
    "/api/products",
    status_code=201,
    summary="Add a product (owner or admin)",
    response_model=ProductAnswer,
    responses=refusals(403, 409),
)
def add_product(body: ProductBody, principal: PrincipalDep, platform: PlatformDep) -> dict:
    platform.access.require(principal, Action.MANAGE_PRODUCTS)
    product = Product(body.sku, body.name.strip(), body.price_pence, body.stock)
    return _product(platform.orders.add_product(principal.org_id, product))


@router.post(
    "/api/products/{sku}/restock",
    summary="Add units to a product's stock",
    response_model=ProductAnswer,
    responses=refusals(403, 404),
)
def restock(sku: str, body: RestockBody, principal: PrincipalDep, platform: PlatformDep) -> dict:
    platform.access.require(principal, Action.MANAGE_PRODUCTS)
    return _product(platform.orders.restock(principal.org_id, sku, body.quantity))


@router.get(
    "/api/products",
    summary="Products with their stock and what is available",
    response_model=ProductsAnswer,
)
def products(principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    stocked: list[Stocked] = platform.orders.products(principal.org_id)
    return {"products": [_product(s.product, s.available) for s in stocked]}


@router.put(
    "/api/orders/settings",
    summary="How long an order holds its stock while paid",
    response_model=OrderSettingsAnswer,
    responses=refusals(403),
)
def order_settings(
    body: OrderSettingsBody, principal: PrincipalDep, platform: PlatformDep
) -> dict[str, int]:
    platform.access.require(principal, Action.MANAGE_PRODUCTS)
    platform.orders.set_reservation_ttl(principal.org_id, body.reservation_ttl_seconds)
    return {"reservation_ttl_seconds": body.reservation_ttl_seconds}


@router.post(
    "/api/orders",
    status_code=201,
    summary="Place an order paid by card",
    response_model=OrderAnswer,
    responses=refusals(402, 403, 404, 409, 503),
    openapi_extra=required_headers("Idempotency-Key"),
)
def place_order(
    body: OrderBody,
    principal: PrincipalDep,
    platform: PlatformDep,
    idempotency_key: Annotated[
        str | None, Header(json_schema_extra={"pattern": IDEMPOTENCY_KEY_PATTERN})
    ] = None,
) -> dict[str, Any]:
    platform.access.require(principal, Action.PLACE_ORDER)
    basket = [(line.sku, line.quantity) for line in body.items]
    order = platform.orders.place(principal.org_id, idempotency_key, basket, body.payment_method)
    return order_view(order)


@router.get(
    "/api/orders",
    summary="The order the shop placed with this idempotency key",
    response_model=OrderAnswer,
    responses=refusals(404),
)
def order_by_key(
    idempotency_key: Annotated[str, Query(json_schema_extra={"pattern": IDEMPOTENCY_KEY_PATTERN})],
    principal: PrincipalDep,
    platform: PlatformDep,
) -> dict[str, Any]:
    return order_view(platform.orders.order_by_key(principal.org_id, idempotency_key))


@router.get(
    "/api/orders/{order_id}",
    summary="One order with its items and refunds",
    response_model=OrderAnswer,
    responses=refusals(404),
)
def get_order(order_id: str, principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    return order_view(platform.orders.order(principal.org_id, order_id_of(order_id)))
