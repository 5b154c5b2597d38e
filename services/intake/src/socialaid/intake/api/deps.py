from typing import Annotated

from fastapi import Depends, Header

from socialaid.intake.config import Settings
from socialaid.web.service import DbDep, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Same key + same body → same answer; different body → 409",
    ),
]

__all__ = ["DbDep", "IdempotencyKey", "SettingsDep"]
