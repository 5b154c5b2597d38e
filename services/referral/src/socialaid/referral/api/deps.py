from typing import Annotated

from fastapi import Depends

from socialaid.referral.config import Settings
from socialaid.web.idempotency import IdempotencyKey
from socialaid.web.service import DbDep, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]

__all__ = ["DbDep", "IdempotencyKey", "SettingsDep"]
