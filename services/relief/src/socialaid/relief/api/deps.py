from typing import Annotated

from fastapi import Header

from socialaid.web.service import DbDep

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Same key + same body → same answer; different body → 409",
    ),
]

__all__ = ["DbDep", "IdempotencyKey"]
