from typing import Annotated

from fastapi import Depends

from socialaid.benefits.config import Settings
from socialaid.web.idempotency import IdempotencyKey
from socialaid.web.problems import problem_responses
from socialaid.web.service import DbDep, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]
PROBLEMS = problem_responses(
    (400, "Malformed body"),
    (404, "Not found"),
    (409, "Conflict or Idempotency-Key reused"),
    (422, "Invalid request or rule violation"),
)

__all__ = ["PROBLEMS", "DbDep", "IdempotencyKey", "SettingsDep"]
