from typing import Annotated

from fastapi import Depends, Header

from socialaid.payments.config import Settings
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


def problems(*codes: tuple[int, str]) -> dict[int | str, dict]:
    return {s: {"content": {MEDIA_TYPE: {}}, "description": d} for s, d in codes}


__all__ = ["DbDep", "IdempotencyKey", "SettingsDep", "problems"]
