"""Order rules that need no running service: basket digests and the refusals failed orders give."""

import uuid
from datetime import UTC, datetime

from service.domain.orders import Orders, basket_digest, failure_of
from service.stores.orders import Order


def test_a_basket_is_the_same_whatever_the_order_of_its_lines():
    assert basket_digest([("MUG-01", 2), ("TEA-02", 3)]) == basket_digest(
        [("TEA-02", 3), ("MUG-01", 2)]
    )


def test_another_quantity_or_product_is_another_basket():
    digests = {
        basket_digest([("MUG-01", 2)]),
        basket_digest([("MUG-01", 3)]),
        basket_digest([("MUG-02", 2)]),
        basket_digest([("MUG-01", 2), ("TEA-02", 1)]),
    }
    assert len(digests) == 4


def test_a_failed_order_answers_with_the_refusal_it_failed_with():
    def failed(failure: str) -> Order:
        return Order(uuid.uuid4(), "k", "d", "failed", failure, 100, None, datetime.now(UTC), ())

    assert failure_of(failed("out_of_stock")).status == 409
    assert failure_of(failed("payment_declined")).code == "payment_declined"
    assert failure_of(failed("provider_unavailable")).status == 503
    assert failure_of(failed("out_of_stock_after_payment")).status == 409
    assert failure_of(failed("out_of_stock_after_payment")).code == "out_of_stock_after_payment"


def test_a_confirmation_pays_an_order_only_for_its_total_in_pounds_sterling():
    order = Order(
        uuid.uuid4(), "k", "d", "awaiting_payment", None, 13500, "pi_1", datetime.now(UTC), ()
    )
    assert Orders._payment_mismatch(order, {"amount_received": 13500, "currency": "gbp"}) is None
    assert Orders._payment_mismatch(order, {"amount_received": 13500, "currency": "GBP"}) is None
    assert "13499" in (
        Orders._payment_mismatch(order, {"amount_received": 13499, "currency": "gbp"}) or ""
    )
    assert "EUR" in (
        Orders._payment_mismatch(order, {"amount_received": 13500, "currency": "eur"}) or ""
    )
    assert Orders._payment_mismatch(order, {"currency": "gbp"}) is not None
    assert "no currency" in (Orders._payment_mismatch(order, {"amount_received": 13500}) or "")


def test_only_a_processing_payment_leaves_an_order_waiting():
    assert Orders._still_processing("processing")
    for status in ("succeeded", "requires_payment_method", "requires_action", "canceled"):
        assert not Orders._still_processing(status)
