from typing import Annotated

from fastapi import Depends

from socialaid.verification.config import Settings
from socialaid.web.service import DbDep, get_settings

SettingsDep = Annotated[Settings, Depends(get_settings)]

__all__ = ["DbDep", "SettingsDep"]
