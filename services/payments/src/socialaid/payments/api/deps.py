from typing import Annotated

from fastapi import Depends

from socialaid.payments.config import Settings
from socialaid.web.idempotency import IdempotencyKey
from socialaid.web.problems import problem_responses as problems
from socialaid.web.service import DbDep, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]


__all__ = ["DbDep", "IdempotencyKey", "SettingsDep", "problems"]
