from typing import Annotated

from fastapi import Depends, Header

from socialaid.benefits.config import Settings
from socialaid.web.problems import MEDIA_TYPE
from socialaid.web.service import DbDep, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Same key + same body → same answer; different body → 409",
    ),
]
PROBLEMS = {
    s: {"content": {MEDIA_TYPE: {}}, "description": d}
    for s, d in (
        (400, "Malformed body"),
        (404, "Not found"),
        (409, "Conflict or Idempotency-Key reused"),
        (422, "Invalid request or rule violation"),
    )
}

__all__ = ["PROBLEMS", "DbDep", "IdempotencyKey", "SettingsDep"]
