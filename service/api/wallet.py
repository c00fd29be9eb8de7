"""The wallet: balance and summary, the ledger, spending credits, and top-ups by card."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Query

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.responses import ChargeAnswer, LedgerPageAnswer, TopUpAnswer, WalletAnswer
from service.api.schemas import ChargeBody, TopUpBody
from service.domain.access import Action
from service.domain.rules import LEDGER_OFFSET_MAX, LEDGER_PAGE_MAX
from service.stores.wallet import Summary

router = APIRouter(prefix="/api/wallet", tags=["wallet"])


def _summary(summary: Summary) -> dict[str, int]:
    return {
        "balance_pence": summary.balance,
        "purchased_pence": summary.purchased,
        "spent_pence": summary.spent,
        "refunded_pence": summary.refunded,
        "bonus_pence": summary.bonus,
        "net_pence": summary.net,
    }


@router.get(
    "", summary="The wallet's balance and the summary of its ledger", response_model=WalletAnswer
)
def wallet(principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    return _summary(platform.wallet.summary(principal.org_id))


@router.get(
    "/ledger",
    summary="Ledger entries, newest first, a page at a time",
    response_model=LedgerPageAnswer,
)
def ledger(
    principal: PrincipalDep,
    platform: PlatformDep,
    limit: Annotated[int, Query(ge=1, le=LEDGER_PAGE_MAX)] = 20,
    offset: Annotated[int, Query(ge=0, le=LEDGER_OFFSET_MAX)] = 0,
) -> dict[str, Any]:
    entries, total = platform.wallet.ledger(principal.org_id, limit, offset)
    return {
        "entries": [
            {
                "id": entry.id,
                "kind": entry.kind,
                "amount_pence": entry.amount_pence,
                "description": entry.description,
                "created_at": entry.created_at.astimezone(UTC).isoformat(),
            }
            for entry in entries
        ],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


@router.post(
    "/charges",
    status_code=201,
    summary="Spend credits (owner or admin)",
    response_model=ChargeAnswer,
    responses=refusals(402, 403),
)
def spend(body: ChargeBody, principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    platform.access.require(principal, Action.SPEND_CREDITS)
    balance = platform.wallet.spend(principal.org_id, body.amount_pence, body.description)
    return {"charged_pence": body.amount_pence, "balance_pence": balance}


@router.post(
    "/top-ups",
    status_code=201,
    summary="Start a top-up paid by card (owner or admin)",
    response_model=TopUpAnswer,
    responses=refusals(402, 403, 503),
)
def top_up(body: TopUpBody, principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    platform.access.require(principal, Action.TOP_UP)
    started = platform.wallet.top_up(principal.org_id, body.amount_pence)
    return {
        "id": str(started.top_up.id),
        "amount_pence": started.top_up.amount_pence,
        "status": started.top_up.status,
        "client_secret": started.client_secret,
    }
