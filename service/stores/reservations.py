"""Stock reservations in Redis: one key per order and SKU with a time-to-live, decided atomically.

Keys (all under the merchant's prefix, so that one merchant's keys can be found and removed):
`orders:{org}:reservation:{order}:{sku}` holds the reserved quantity and expires by itself;
`orders:{org}:reserved:{sku}` is the set of that SKU's reservation keys, so that the live ones can
be added up without scanning the keyspace.
"""

from __future__ import annotations

import uuid

import redis

# Adds up the SKU's live reservations, forgetting the expired ones.
_HELD = """
local held = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local quantity = redis.call('GET', key)
  if quantity then held = held + tonumber(quantity) else redis.call('SREM', KEYS[1], key) end
end
"""

# ... and reserves only if the stock less those is enough: one script, so two orders can never
# both take the last unit.
_RESERVE = (
    _HELD
    + """
local wanted = tonumber(ARGV[2])
if tonumber(ARGV[1]) - held < wanted then return 0 end
redis.call('SET', KEYS[2], wanted, 'EX', ARGV[3])
redis.call('SADD', KEYS[1], KEYS[2])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1
"""
)


def merchant_prefix(org_id: uuid.UUID) -> str:
    return f"orders:{org_id}:"


def reservation_key(org_id: uuid.UUID, order_id: uuid.UUID, sku: str) -> str:
    return f"{merchant_prefix(org_id)}reservation:{order_id}:{sku}"


def index_key(org_id: uuid.UUID, sku: str) -> str:
    return f"{merchant_prefix(org_id)}reserved:{sku}"


class ReservationStore:
    def __init__(self, cache: redis.Redis) -> None:
        self.cache = cache
        self._reserve = cache.register_script(_RESERVE)
        self._held = cache.register_script(_HELD + "return held")

    def reserve(
        self, org_id: uuid.UUID, order_id: uuid.UUID, sku: str, quantity: int, stock: int, ttl: int
    ) -> bool:
        """Reserves `quantity` for `ttl` seconds if `stock` less the live reservations allows."""
        keys = [index_key(org_id, sku), reservation_key(org_id, order_id, sku)]
        return bool(self._reserve(keys=keys, args=[stock, quantity, ttl]))

    def held(self, org_id: uuid.UUID, sku: str) -> int:
        """Units of the SKU held by live reservations."""
        return int(self._held(keys=[index_key(org_id, sku)]))

    def release(self, org_id: uuid.UUID, order_id: uuid.UUID, skus: list[str]) -> None:
        if not skus:
            return
        with self.cache.pipeline() as pipe:
            for sku in skus:
                key = reservation_key(org_id, order_id, sku)
                pipe.delete(key)
                pipe.srem(index_key(org_id, sku), key)
            pipe.execute()
