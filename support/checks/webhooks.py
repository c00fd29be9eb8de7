"""Checks of webhooks out: what the merchants' receivers got (verified as a merchant verifies,
with the official `standardwebhooks` package), what merchants see, and what the database holds."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from support.clients.database import Database
from support.drivers.accounts import Account
from support.drivers.webhooks import Subscription, WebhooksDriver
from support.providers.receivers import MerchantEndpointFake, ReceivedPost
from support.report.evidence import attach_json
from support.report.redaction import redact_headers

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def _verified(post: ReceivedPost, secret: str) -> str:
    """What the merchant's verifier says of one post: "verified" or why not."""
    try:
        Webhook(secret).verify(post.body, post.headers)
    except (WebhookVerificationError, ValueError) as error:
        return f"refused: {error}"
    return "verified"


def _evidence(post: ReceivedPost, verification: str | None = None) -> dict[str, Any]:
    shown = {
        "request": f"POST {post.url}",
        "headers": [f"{name}: {value}" for name, value in redact_headers(post.headers.items())],
        "body": post.body,
        "receiver answered": post.answered,
    }
    if verification is not None:
        shown["merchant's verification (standardwebhooks)"] = verification
    return shown


def received(receiver: MerchantEndpointFake, title: str) -> list[ReceivedPost]:
    attach_json(
        f"{title} ({_plural(len(receiver.received), 'delivery')})",
        [_evidence(post) for post in receiver.received],
    )
    return receiver.received


def expect_received(receiver: MerchantEndpointFake, count: int, whose: str) -> None:
    posts = received(receiver, f"What {whose} received")
    if len(posts) != count:
        raise AssertionError(
            f"Expected {whose} to have received {_plural(count, 'delivery')}, but it received "
            f"{len(posts)}."
        )


def expect_every_delivery_verifies(receiver: MerchantEndpointFake, secret: str) -> None:
    results = [(post, _verified(post, secret)) for post in receiver.received]
    attach_json(
        "Deliveries as the merchant verified them",
        [_evidence(post, verdict) for post, verdict in results],
    )
    if not results:
        raise AssertionError("Expected deliveries to verify, but the receiver received none.")
    for number, (post, verdict) in enumerate(results, 1):
        missing = [name for name in SIGNATURE_HEADERS if name not in post.headers]
        if missing or verdict != "verified":
            raise AssertionError(
                f"Expected every delivery to verify with the secret the merchant was shown, but "
                f"delivery {number} was {verdict}"
                + (f" (it lacks {', '.join(missing)})" if missing else "")
                + "."
            )


def _one_event_data(receiver: MerchantEndpointFake, event_type: str) -> dict[str, Any]:
    """The data of the one delivery of this type the receiver got (failing if not just one)."""
    posts = received(receiver, "What the receiver received")
    bodies = [json.loads(post.body) for post in posts]
    found = [body for body in bodies if body.get("type") == event_type]
    if len(found) != 1:
        raise AssertionError(
            f"Expected one delivery of a {event_type} event, but found {len(found)} among "
            f"{[body.get('type') for body in bodies]}."
        )
    return found[0].get("data") or {}


def expect_delivery_says(
    receiver: MerchantEndpointFake, event_type: str, expected: dict[str, Any]
) -> None:
    data = _one_event_data(receiver, event_type)
    differing = {key: data.get(key) for key, value in expected.items() if data.get(key) != value}
    if differing:
        raise AssertionError(
            f"Expected the {event_type} delivery to say {expected}, but it says {differing}."
        )


def _units(items: Any) -> dict[str, int]:
    return {item.get("sku"): item.get("quantity") for item in items or []}


def expect_order_paid_announced(
    receiver: MerchantEndpointFake, order: dict[str, Any], pence: int, units: dict[str, int]
) -> None:
    """The order paid delivery names the order the shop was told of, its total and its items
    (each at the price the order was placed at)."""
    data = _one_event_data(receiver, "order.paid")
    told = (data.get("order_id"), data.get("status"), data.get("total_pence"))
    if told != (order["id"], "paid", pence) or _units(data.get("items")) != units:
        raise AssertionError(
            f"Expected the order paid delivery to say order {order['id']} was paid, {pence} "
            f"pence for {units}, but it says order {told[0]} {told[1]}, {told[2]} pence for "
            f"{_units(data.get('items'))}."
        )
    if data.get("items") != order["items"]:
        raise AssertionError(
            f"Expected the order paid delivery to list the order's items as the shop was told "
            f"them ({order['items']}), but it lists {data.get('items')}."
        )


def expect_refund_announced(
    receiver: MerchantEndpointFake, order: dict[str, Any], pence: int, units: dict[str, int]
) -> None:
    """The order refunded delivery names the order, this refund's own amount and its items."""
    data = _one_event_data(receiver, "order.refunded")
    told = (data.get("order_id"), data.get("amount_pence"), _units(data.get("refunded_items")))
    if told != (order["id"], pence, units):
        raise AssertionError(
            f"Expected the order refunded delivery to say {pence} pence of order {order['id']} "
            f"were refunded, for {units}, but it says {told[1]} pence of order {told[0]}, for "
            f"{told[2]}."
        )


def expect_refunded_in_all(
    receiver: MerchantEndpointFake, refunded: int, total: int, fully: bool
) -> None:
    """The order refunded delivery says how much of the order is refunded so far, and whether
    that is all of it (the order's status says the same)."""
    data = _one_event_data(receiver, "order.refunded")
    status = "refunded" if fully else "paid"
    told = (
        data.get("refunded_total_pence"),
        data.get("total_pence"),
        data.get("fully_refunded"),
        data.get("status"),
    )
    if told != (refunded, total, fully, status):
        raise AssertionError(
            f"Expected the order refunded delivery to say {refunded} of the order's {total} "
            f"pence are refunded, {'fully' if fully else 'partly'} (the order {status}), but "
            f"it says {told[0]} of {told[1]}, fully refunded: {told[2]} (the order {told[3]})."
        )


def expect_one_message_id(receiver: MerchantEndpointFake) -> None:
    ids = {post.headers.get("webhook-id") for post in received(receiver, "Attempts received")}
    if len(ids) != 1:
        raise AssertionError(
            f"Expected every attempt of the delivery to carry the same message id, but they "
            f"carried {len(ids)} different ones."
        )


def expect_each_message_once(receiver: MerchantEndpointFake, count: int) -> None:
    ids = [post.headers.get("webhook-id") for post in received(receiver, "Deliveries received")]
    repeated = sorted({message for message in ids if ids.count(message) > 1})
    if repeated or len(ids) != count:
        raise AssertionError(
            f"Expected {_plural(count, 'delivery')}, each received once, but the receiver got "
            f"{len(ids)} posts and {len(repeated)} deliveries more than once."
        )


def expect_run_reported(run: dict[str, Any], expected: dict[str, int]) -> None:
    """What the operator's run of the delivery worker says it did, count by count."""
    attach_json("What the delivery worker's run reported", run)
    told = {name: run.get(name) for name in expected}
    if told != expected:
        raise AssertionError(
            f"Expected the delivery worker's run to report {expected}, but it reported {told}."
        )


# ---------------------------------------------------------------- what the merchant sees


def _only_delivery(driver: WebhooksDriver, account: Account, subscription: Subscription) -> dict:
    deliveries = driver.deliveries(account, subscription.id)
    if len(deliveries) != 1:
        raise AssertionError(
            f"Expected the merchant to see one delivery for the subscription, but it sees "
            f"{len(deliveries)}."
        )
    return deliveries[0]


def expect_delivery_seen(
    driver: WebhooksDriver,
    account: Account,
    subscription: Subscription,
    status: str,
    attempts: int,
) -> dict:
    delivery = _only_delivery(driver, account, subscription)
    seen = (delivery["status"], delivery["attempts"], len(delivery["history"]))
    if seen != (status, attempts, attempts):
        raise AssertionError(
            f"Expected the merchant to see the delivery {status} after "
            f"{_plural(attempts, 'attempt')}, but it is {delivery['status']} after "
            f"{delivery['attempts']} (with {len(delivery['history'])} attempts listed)."
        )
    if status == "pending" and not delivery["next_attempt_at"]:
        raise AssertionError("Expected the merchant to see when the next attempt is due.")
    if status != "pending" and delivery["next_attempt_at"]:
        raise AssertionError(
            f"Expected a {status} delivery to have no next attempt, but one is due at "
            f"{delivery['next_attempt_at']}."
        )
    if any(not attempt["answer"] for attempt in delivery["history"]):
        raise AssertionError("Expected every attempt to show the answer it got.")
    return delivery


def expect_next_attempt_after(
    driver: WebhooksDriver, account: Account, subscription: Subscription, minutes: int
) -> None:
    delivery = _only_delivery(driver, account, subscription)
    if not delivery["history"] or not delivery["next_attempt_at"]:
        raise AssertionError(
            f"Expected a failed attempt and a next one due {minutes} minutes later, but the "
            f"delivery is {delivery['status']} after {delivery['attempts']} attempts."
        )
    last = datetime.fromisoformat(delivery["history"][-1]["attempted_at"])
    due = datetime.fromisoformat(delivery["next_attempt_at"])
    if due - last != timedelta(minutes=minutes):
        raise AssertionError(
            f"Expected the next attempt {minutes} minutes after the last one, but it is due "
            f"{(due - last).total_seconds() / 60:g} minutes after it."
        )


def expect_last_answer_says(
    driver: WebhooksDriver, account: Account, subscription: Subscription, words: str
) -> None:
    delivery = _only_delivery(driver, account, subscription)
    answer = delivery["history"][-1]["answer"] if delivery["history"] else ""
    if words not in answer:
        raise AssertionError(
            f"Expected the merchant to see that the last attempt got {words!r}, but it shows "
            f"{answer!r}."
        )


def expect_secret_shown_once(
    driver: WebhooksDriver, account: Account, subscription: Subscription
) -> None:
    if not subscription.secret.startswith("whsec_") or len(subscription.secret) < 30:
        raise AssertionError("Expected a signing secret (whsec_…) to be shown at creation.")
    listed = driver.subscriptions(account)
    read = driver.subscription(account, subscription.id)
    for where, shown in (("listed", listed), ("read", [read])):
        text = json.dumps(shown)
        if subscription.secret in text or "secret" in text:
            raise AssertionError(
                f"Expected the signing secret never to be shown again, but the subscription "
                f"{where} shows it."
            )


def expect_subscription_listed(
    driver: WebhooksDriver, account: Account, subscription: Subscription
) -> None:
    listed = driver.subscriptions(account)
    attach_json("The merchant's subscriptions", listed)
    found = [(shown["id"], shown["url"]) for shown in listed]
    if found != [(subscription.id, subscription.url)]:
        raise AssertionError(
            f"Expected the merchant's one subscription at {subscription.url}, but the merchant's "
            f"subscriptions are {found}."
        )


def expect_refused_nothing_saved(database: Database, organisation_id: str) -> None:
    rows = database.read(
        "the merchant's webhook subscriptions",
        "select id, url, event_types from webhook_subscriptions where org_id = %s",
        (organisation_id,),
    )
    if rows:
        raise AssertionError(
            "Expected nothing to be saved, but the merchant has "
            f"{_plural(len(rows), 'subscription')}."
        )


def expect_deliveries_per_event(
    database: Database, organisation_id: str, expected: dict[str, int]
) -> None:
    """Each event of the merchant, by type, and how many deliveries it made."""
    rows = database.read(
        "the merchant's events and their deliveries",
        "select e.event_type, count(d.id) as deliveries from webhook_events e"
        " left join webhook_deliveries d on d.event_id = e.id"
        " where e.org_id = %s group by e.id, e.event_type order by e.event_type",
        (organisation_id,),
    )
    found: dict[str, int] = {}
    for row in rows:
        if row["event_type"] in found:
            raise AssertionError(f"Expected one {row['event_type']} event, but found more.")
        found[row["event_type"]] = row["deliveries"]
    if found != expected:
        raise AssertionError(
            f"Expected these events with these numbers of deliveries: {expected}, but found "
            f"{found}."
        )
