"""The wallet: balance and summary, the ledger, spending credits, and top-ups by card."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from service.api.contract import refusals
from service.api.deps import PlatformDep, PrincipalDep
from service.api.idempotency import IdempotencyKeyDep, respond
from service.api.responses import (
    ChargeAnswer,
    LedgerPageAnswer,
    TopUpAnswer,
    TopUpStateAnswer,
    WalletAnswer,
)
from service.api.schemas import ChargeBody, TopUpBody
from service.domain.access import Action
from service.domain.idempotency import Answer, derived_id
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
    # Documented here, enforced by the wallet (so that a defect there can lift it).
    offset: Annotated[int, Query(ge=0, json_schema_extra={"maximum": LEDGER_OFFSET_MAX})] = 0,
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
    responses=refusals(402, 403, 409),
)
def spend(
    body: ChargeBody, principal: PrincipalDep, platform: PlatformDep, key: IdempotencyKeyDep = None
) -> JSONResponse:
    platform.access.require(principal, Action.SPEND_CREDITS)

    def charge() -> Answer:
        balance = platform.wallet.spend(principal.org_id, body.amount_pence, body.description)
        return Answer(201, {"charged_pence": body.amount_pence, "balance_pence": balance})

    request = body.model_dump()
    return respond(platform.idempotency.run(principal.org_id, key, "charge", request, charge))


@router.post(
    "/top-ups",
    status_code=201,
    summary="Start a top-up paid by card (owner or admin)",
    response_model=TopUpAnswer,
    responses=refusals(402, 403, 409, 503),
)
def top_up(
    body: TopUpBody, principal: PrincipalDep, platform: PlatformDep, key: IdempotencyKeyDep = None
) -> JSONResponse:
    platform.access.require(principal, Action.TOP_UP)

    def start() -> Answer:
        top_up_id = derived_id(principal.org_id, key, "top-up") if key else None
        started = platform.wallet.top_up(principal.org_id, body.amount_pence, top_up_id)
        return Answer(
            201,
            {
                "id": str(started.top_up.id),
                "amount_pence": started.top_up.amount_pence,
                "status": started.top_up.status,
                "client_secret": started.client_secret,
            },
        )

    request = body.model_dump()
    return respond(platform.idempotency.run(principal.org_id, key, "top-up", request, start))


@router.get(
    "/top-ups/{top_up_id}",
    summary="One top-up: its status, and why it needs review",
    response_model=TopUpStateAnswer,
    responses=refusals(404),
)
def top_up_state(top_up_id: str, principal: PrincipalDep, platform: PlatformDep) -> dict[str, Any]:
    state = platform.wallet.top_up_state(principal.org_id, top_up_id)
    return {
        "id": str(state.id),
        "amount_pence": state.amount_pence,
        "status": state.status,
        "review_reason": state.review_reason,
    }
