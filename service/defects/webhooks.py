"""Defects of webhooks both ways: the payment provider's messages, and deliveries to merchants."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import uuid
from dataclasses import astuple
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import psycopg

from service.core.errors import ApiError
from service.defects.base import Defect
from service.defects.wallet import DuplicateEventCreditsTwice
from service.domain.access import AccessPolicy, Action
from service.domain.payment_events import SETTLING, PaymentEvents
from service.domain.rules import ENDPOINT_URL_MAX
from service.domain.webhooks import DELIVERIES_PER_RUN_MAX, RunResult, Webhooks
from service.providers.merchant_endpoints import EndpointAnswer, MerchantEndpoints
from service.providers.payments import PaymentProvider
from service.stores.onboarding import OnboardingStore
from service.stores.wallet import ProviderEvent
from service.stores.webhooks import DueDelivery, Subscription, WebhookStore, event_body

# -- the payment provider's messages ------------------------------------------------------


class SignatureToleranceAnHour(PaymentProvider):
    def _tolerance(self) -> int | None:
        return 3600


class SignatureAgeInWholeMinutes(PaymentProvider):
    """The signature's age is counted in whole minutes, so anything under six minutes passes."""

    def _tolerance(self) -> int | None:
        return 6 * 60 - 1

    def _future_tolerance(self) -> int | None:
        return 6 * 60 - 1


class FutureSignatureAccepted(PaymentProvider):
    def _future_tolerance(self) -> int | None:
        return None


class UnreadableEventServerError(PaymentProvider):
    def verify_event(self, payload: bytes, signature_header: str | None) -> dict[str, Any]:
        try:
            return super().verify_event(payload, signature_header)
        except ValueError as error:
            raise RuntimeError("could not parse the event") from error


class SignatureOverReformattedBody(PaymentProvider):
    """Checks the signature over the event re-encoded, not over the bytes that were signed."""

    def verify_event(self, payload: bytes, signature_header: str | None) -> dict[str, Any]:
        compact = json.dumps(json.loads(payload), separators=(",", ":")).encode()
        return super().verify_event(compact, signature_header)


class ReplayAcceptedAfterRedisForgets(DuplicateEventCreditsTwice):
    """Trusts Redis alone to keep events once: it still asks Redis, but the database records
    nothing that would stop a repeat once Redis has forgotten."""

    def _seen_before(self, event_id: str) -> bool:
        return PaymentEvents._seen_before(self, event_id)


class UnknownEventServerError(PaymentEvents):
    def _apply(self, event: ProviderEvent, data: dict[str, Any]) -> str:
        if event.type not in SETTLING:
            raise KeyError(f"no handler for {event.type}")
        return super()._apply(event, data)


# -- subscriptions ------------------------------------------------------------------------


class ViewerCanManageWebhooks(AccessPolicy):
    def allows(self, role: str, action: Action) -> bool:
        return action == Action.MANAGE_WEBHOOKS or super().allows(role, action)


class SubscriptionSecretListed(Webhooks):
    def shown(self, subscription: Subscription) -> dict[str, Any]:
        return {**super().shown(subscription), "secret": subscription.secret}


class PlainHttpEndpointAccepted(Webhooks):
    def _check_endpoint(self, url: str) -> None:
        super()._check_endpoint(url.replace("http://", "https://", 1))


class SecureSocketEndpointAccepted(Webhooks):
    """Asks only for encryption: a secure live-connection address (wss://) passes as HTTPS."""

    def _check_endpoint(self, url: str) -> None:
        super()._check_endpoint(url.replace("wss://", "https://", 1))


class MalformedEndpointServerError(Webhooks):
    """The address is split up without asking whether it can be: a malformed one fails later."""

    @staticmethod
    def _parts(url: str) -> Any:
        return urlsplit(url)


class MulticastEndpointAccepted(Webhooks):
    """Asks only whether an address is public: a multicast group's is, too."""

    @staticmethod
    def _public(address: str) -> bool:
        return Webhooks._public(address) or ipaddress.ip_address(address).is_multicast


class PublicEndpointRefused(Webhooks):
    """Takes every address it has to look up for an unsafe one: a merchant's real, public
    receiver cannot be subscribed."""

    @staticmethod
    def _public(address: str) -> bool:
        return False


class RepointedEndpointPosted(Webhooks):
    """Checks an address only when it is subscribed: one that leads inside since is posted to."""

    def _still_safe(self, url: str) -> EndpointAnswer | None:
        return None


class UnfindableEndpointAccepted(Webhooks):
    """Refuses only names whose addresses are unsafe: a name with no address at all (none
    exists, or it cannot even be looked up) passes, as if it had nothing to fail."""

    def _check_endpoint(self, url: str) -> None:
        try:
            super()._check_endpoint(url)
        except ApiError as refused:
            if refused.message != "The endpoint's host name cannot be found.":
                raise


class PrivateEndpointAccepted(Webhooks):
    @staticmethod
    def _public(address: str) -> bool:
        return True


class SubscriptionFoundForAnyMerchant(WebhookStore):
    def subscription(self, org_id: uuid.UUID, subscription_id: uuid.UUID) -> Subscription | None:
        with self.db.owner() as conn:
            row = conn.execute(
                "select id, url, event_types, created_at, secret from webhook_subscriptions"
                " where id = %s",
                (subscription_id,),
            ).fetchone()
        return Subscription(**row) if row else None


# -- events and deliveries ----------------------------------------------------------------


class SignatureWithoutTimestamp(MerchantEndpoints):
    def _signature(self, secret: str, message_id: str, sent_at: datetime, body: str) -> str:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        digest = hmac.new(key, f"{message_id}.{body}".encode(), hashlib.sha256).digest()
        return "v1," + base64.b64encode(digest).decode()


class DeliveryToOtherMerchants(WebhookStore):
    """Matches subscriptions by event type alone: every merchant wanting the type gets a copy."""

    def record_event(
        self, conn: psycopg.Connection, org_id: uuid.UUID, event_type: str, data: dict[str, Any]
    ) -> uuid.UUID:
        event_id = super().record_event(conn, org_id, event_type, data)
        with self.db.owner() as owner:
            others = owner.execute(
                "select id, org_id from webhook_subscriptions"
                " where org_id <> %s and %s = any (event_types)",
                (org_id, event_type),
            ).fetchall()
            for other in others:
                copy_id = uuid.uuid4()
                created = owner.execute("select now() as now").fetchone()["now"]
                owner.execute(
                    "insert into webhook_events (id, org_id, event_type, body, created_at)"
                    " values (%s, %s, %s, %s, %s)",
                    (
                        copy_id,
                        other["org_id"],
                        event_type,
                        event_body(copy_id, event_type, created, data),
                        created,
                    ),
                )
                owner.execute(
                    "insert into webhook_deliveries"
                    " (org_id, event_id, subscription_id, next_attempt_at)"
                    " values (%s, %s, %s, now())",
                    (other["org_id"], copy_id, other["id"]),
                )
        return event_id


class DeliveryRunIgnoresMerchantsNamed(WebhookStore):
    """Claims the next due delivery of any merchant, whichever merchants the run was for."""

    def _claim(
        self, conn: psycopg.Connection, now: datetime, org_ids: list[uuid.UUID] | None
    ) -> tuple[uuid.UUID, uuid.UUID] | None:
        return super()._claim(conn, now, None)


class DeliveriesIgnoreEventTypes(WebhookStore):
    def _fan_out(
        self, conn: psycopg.Connection, org_id: uuid.UUID, event_id: uuid.UUID, event_type: str
    ) -> None:
        conn.execute(
            "insert into webhook_deliveries (org_id, event_id, subscription_id, next_attempt_at)"
            " select org_id, %s, id, now() from webhook_subscriptions where org_id = %s",
            (event_id, org_id),
        )


class CompletionNotifiedTwice(OnboardingStore):
    def _just_completed(self, row: dict) -> bool:
        return True


class LinearBackoff(Webhooks):
    def _retry_delay_minutes(self, attempts: int) -> int:
        return attempts


class RetriesPastTheLast(Webhooks):
    def _next_attempt(self, now: datetime, attempts: int) -> datetime | None:
        return super()._next_attempt(now, min(attempts, 5))


class RetriesCountedAsFailed(Webhooks):
    """The run's report counts a delivery left to be tried again as failed for good."""

    def _attempt(self, due: DueDelivery, now: datetime) -> str:
        outcome = super()._attempt(due, now)
        return "failed" if outcome == "retrying" else outcome


class RunWithoutCap(Webhooks):
    """One run goes on until nothing is due, however many deliveries that takes."""

    def deliver_due(self, now: datetime, org_ids: list[uuid.UUID] | None = None) -> RunResult:
        total = RunResult()
        while True:
            run = super().deliver_due(now, org_ids)
            total = RunResult(
                *(sum(counts) for counts in zip(astuple(total), astuple(run), strict=True))
            )
            if run.processed < DELIVERIES_PER_RUN_MAX:
                return total


class DeliveredEventsResent(WebhookStore):
    """Forgets that an accepted delivery is done: it stays due a minute later."""

    def record_attempt(
        self,
        delivery: DueDelivery,
        attempted_at: datetime,
        status_code: int | None,
        answer: str,
        next_attempt_at: datetime | None,
        delivered: bool,
    ) -> None:
        if delivered:
            next_attempt_at = attempted_at + timedelta(minutes=1)
        super().record_attempt(
            delivery, attempted_at, status_code, answer, next_attempt_at, delivered=False
        )


class WorkersSendTwice(WebhookStore):
    """Finds the next due delivery without locking it: two workers take the same one."""

    def _claim(
        self, conn: psycopg.Connection, now: datetime, org_ids: list[uuid.UUID] | None
    ) -> tuple[uuid.UUID, uuid.UUID] | None:
        with self.db.owner() as owner:
            row = owner.execute(
                "select id, org_id from webhook_deliveries where status = 'pending'"
                " and next_attempt_at <= %s and (%s::uuid[] is null or org_id = any (%s))"
                " order by next_attempt_at, id limit 1",
                (now, org_ids, org_ids),
            ).fetchone()
        return (row["id"], row["org_id"]) if row else None


class EventOutsideTransaction(WebhookStore):
    """Records the event and its deliveries on a connection of their own, committed at once,
    instead of inside the transaction that made the event happen."""

    def record_event(
        self, conn: psycopg.Connection, org_id: uuid.UUID, event_type: str, data: dict[str, Any]
    ) -> uuid.UUID:
        with self.db.tenant(org_id) as own:
            return super().record_event(own, org_id, event_type, data)


class OnlyOkIsDelivered(Webhooks):
    @staticmethod
    def _delivered(answer: EndpointAnswer) -> bool:
        return answer.status_code == 200


class RedirectCountedDelivered(Webhooks):
    """Takes "ok" as requests' `Response.ok` has it: any answer below 400."""

    @staticmethod
    def _delivered(answer: EndpointAnswer) -> bool:
        return answer.status_code is not None and answer.status_code < 400


class LongestAddressRefused(Webhooks):
    @staticmethod
    def _length_allowed(url: str) -> bool:
        return len(url) < ENDPOINT_URL_MAX


class AddressLengthUnchecked(Webhooks):
    @staticmethod
    def _length_allowed(url: str) -> bool:
        return True


DEFECTS: dict[str, Defect] = {
    "signature_tolerance_an_hour": Defect(
        "Provider events signed up to an hour ago are believed.",
        "payments",
        SignatureToleranceAnHour,
    ),
    "signature_age_in_whole_minutes": Defect(
        "A signature's age is counted in whole minutes: one 5 minutes and 59 seconds old or "
        "ahead is believed.",
        "payments",
        SignatureAgeInWholeMinutes,
    ),
    "future_signature_accepted": Defect(
        "Provider events dated far in the future are believed (replayable until then).",
        "payments",
        FutureSignatureAccepted,
    ),
    "unreadable_event_server_error": Defect(
        "A signed provider message that cannot be read is answered with a server error.",
        "payments",
        UnreadableEventServerError,
    ),
    "signature_over_reformatted_body": Defect(
        "Provider signatures are checked over the event re-encoded, not the bytes received.",
        "payments",
        SignatureOverReformattedBody,
    ),
    "replay_accepted_after_redis_forgets": Defect(
        "Only Redis keeps provider events once: a repeat after it forgets credits again.",
        "payment_events",
        ReplayAcceptedAfterRedisForgets,
    ),
    "unknown_event_server_error": Defect(
        "Provider events of kinds the platform does not handle get a server error.",
        "payment_events",
        UnknownEventServerError,
    ),
    "viewer_can_manage_webhooks": Defect(
        "A view-only team member may subscribe the merchant to events.",
        "access",
        ViewerCanManageWebhooks,
    ),
    "only_ok_is_delivered": Defect(
        "Only a 200 answer counts as delivered: a receiver answering 201, 202 or 204 is sent "
        "the delivery again and again.",
        "webhooks",
        OnlyOkIsDelivered,
    ),
    "redirect_counted_delivered": Defect(
        "A receiver's redirect counts as delivered, though nothing took the delivery.",
        "webhooks",
        RedirectCountedDelivered,
    ),
    "delivery_run_ignores_merchants_named": Defect(
        "An operator's run of the delivery worker for some merchants sends every merchant's "
        "due deliveries.",
        "webhooks.store",
        DeliveryRunIgnoresMerchantsNamed,
    ),
    "longest_address_refused": Defect(
        "A subscription to an address of 2000 characters, the longest, is refused.",
        "webhooks",
        LongestAddressRefused,
    ),
    "address_length_unchecked": Defect(
        "A subscription to an address of more than 2000 characters is made.",
        "webhooks",
        AddressLengthUnchecked,
    ),
    "subscription_secret_listed": Defect(
        "Listing and reading subscriptions show the signing secret again.",
        "webhooks",
        SubscriptionSecretListed,
    ),
    "plain_http_endpoint_accepted": Defect(
        "Subscriptions to plain HTTP addresses are accepted.",
        "webhooks",
        PlainHttpEndpointAccepted,
    ),
    "secure_socket_endpoint_accepted": Defect(
        "Subscriptions to secure live-connection addresses (wss://) are accepted.",
        "webhooks",
        SecureSocketEndpointAccepted,
    ),
    "malformed_endpoint_server_error": Defect(
        "An endpoint is split up without asking whether it can be: an unclosed bracket is "
        "answered with a server error, and a port that cannot exist is taken.",
        "webhooks",
        MalformedEndpointServerError,
    ),
    "multicast_endpoint_accepted": Defect(
        "Subscriptions to multicast group addresses are accepted.",
        "webhooks",
        MulticastEndpointAccepted,
    ),
    "public_endpoint_refused": Defect(
        "Subscriptions to public addresses are refused as unsafe.",
        "webhooks",
        PublicEndpointRefused,
    ),
    "repointed_endpoint_posted": Defect(
        "A subscribed address is checked only when subscribed: one that has come to lead to "
        "the platform's own machine since is posted to.",
        "webhooks",
        RepointedEndpointPosted,
    ),
    "unfindable_endpoint_accepted": Defect(
        "Subscriptions to host names that cannot be found (none exists, or one with an empty "
        "part) are accepted.",
        "webhooks",
        UnfindableEndpointAccepted,
    ),
    "private_endpoint_accepted": Defect(
        "Subscriptions to loopback and private addresses are accepted.",
        "webhooks",
        PrivateEndpointAccepted,
    ),
    "deliveries_of_other_merchants_listed": Defect(
        "A subscription is found by its id whoever owns it, so its deliveries are listed.",
        "webhooks.store",
        SubscriptionFoundForAnyMerchant,
    ),
    "signature_without_timestamp": Defect(
        "Deliveries are signed over the id and body only, without the timestamp.",
        "webhooks.endpoints",
        SignatureWithoutTimestamp,
    ),
    "delivery_to_other_merchants": Defect(
        "An event is delivered to every merchant's subscriptions of its type.",
        "webhooks.store",
        DeliveryToOtherMerchants,
    ),
    "deliveries_ignore_event_types": Defect(
        "Every subscription of the merchant receives every event, whatever types it chose.",
        "webhooks.store",
        DeliveriesIgnoreEventTypes,
    ),
    "completion_notified_twice": Defect(
        "Completing onboarding again emits another onboarding completed event.",
        "onboarding.store",
        CompletionNotifiedTwice,
    ),
    "linear_backoff": Defect(
        "Retries wait 1, 2, 3, 4, 5 minutes instead of doubling.",
        "webhooks",
        LinearBackoff,
    ),
    "retries_past_the_last": Defect(
        "A delivery is retried for ever instead of failing after the retry at 16 minutes.",
        "webhooks",
        RetriesPastTheLast,
    ),
    "retries_counted_as_failed": Defect(
        "The delivery worker's run reports deliveries left to be tried again as failed.",
        "webhooks",
        RetriesCountedAsFailed,
    ),
    "run_without_cap": Defect(
        "One run of the delivery worker goes on until nothing is due, past 500 deliveries.",
        "webhooks",
        RunWithoutCap,
    ),
    "delivered_events_resent": Defect(
        "A delivery the merchant accepted stays due and is sent again.",
        "webhooks.store",
        DeliveredEventsResent,
    ),
    "workers_send_twice": Defect(
        "The worker takes due deliveries without locking them: two workers send one twice.",
        "webhooks.store",
        WorkersSendTwice,
    ),
    "event_outside_transaction": Defect(
        "Merchants' events are recorded outside the transaction that made them happen, so a "
        "change that fails is still announced.",
        "webhooks.store",
        EventOutsideTransaction,
    ),
}
