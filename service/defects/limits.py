"""Defects of the limits on what one request may ask of the platform."""

from __future__ import annotations

from service.core.limits import RequestLimits
from service.defects.base import Defect
from service.domain.wallet import Wallet


class BodyLimitNotEnforced(RequestLimits):
    def too_large(self, size: int) -> bool:
        return False


class LedgerStartUnbounded(Wallet):
    def _offset_max(self) -> int:
        return 2**70


DEFECTS: dict[str, Defect] = {
    "body_limit_not_enforced": Defect(
        "Request bodies of any size are read.",
        "limits",
        BodyLimitNotEnforced,
    ),
    "ledger_start_unbounded": Defect(
        "A ledger page may start anywhere, even past what the database can count.",
        "wallet",
        LedgerStartUnbounded,
    ),
}
