"""The Idempotency-Key header of money-moving requests, and answering with a kept answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse

from service.domain.idempotency import Answer

REPLAYED_HEADER = "Idempotent-Replayed"  # the header the payment providers' APIs use too

IdempotencyKeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Repeat a request safely: the same key gives the first answer again.",
    ),
]


def respond(answer: Answer) -> JSONResponse:
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)
