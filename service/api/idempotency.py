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
        # Documented only: the idempotency component checks it (1 to 255 printable ASCII
        # characters; HTTP drops spaces at either end).
        json_schema_extra={"pattern": r"^[\x21-\x7e]([\x20-\x7e]{0,253}[\x21-\x7e])?$"},
    ),
]


def respond(answer: Answer) -> JSONResponse:
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)
