"""The Redis half of order idempotency: which order a shop's key made, and from which basket."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import redis

from service.stores.reservations import merchant_prefix

# Longer than a shop keeps retrying one order request; the order row keeps the key for good.
KEY_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Remembered:
    order_id: uuid.UUID
    basket_digest: str


class OrderKeys:
    def __init__(self, cache: redis.Redis) -> None:
        self.cache = cache

    def recall(self, org_id: uuid.UUID, key: str) -> Remembered | None:
        raw = self.cache.get(self._redis_key(org_id, key))
        if raw is None:
            return None
        value = json.loads(raw)
        return Remembered(uuid.UUID(value["order_id"]), value["basket"])

    def remember(self, org_id: uuid.UUID, key: str, order_id: uuid.UUID, digest: str) -> None:
        value = json.dumps({"order_id": str(order_id), "basket": digest})
        self.cache.set(self._redis_key(org_id, key), value, ex=KEY_TTL_SECONDS)

    def _redis_key(self, org_id: uuid.UUID, key: str) -> str:
        """Keys are the merchant's own: two merchants' shops may use the same one."""
        return f"{merchant_prefix(org_id)}idempotency:{key}"
