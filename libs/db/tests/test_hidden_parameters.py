"""A database error is logged without its parameters (privacy probe: a request that hit a
database error logged names, ID numbers and a bank account)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from socialaid.core.logging import JsonFormatter
from socialaid.db import Database
from socialaid.testkit.infra import PG_ADMIN_URL

SECRET_NAME = "王秘密"
SECRET_ID = "141102198001010011"
SECRET_ACCOUNT = "6217000010009998887"


def _log_line(exc: BaseException) -> str:
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "failed", (), (type(exc), exc, None)
    )
    return JsonFormatter("test").format(record)


@pytest.mark.integration
async def test_a_real_database_error_logs_no_parameter() -> None:
    url = PG_ADMIN_URL.replace("postgresql://", "postgresql+asyncpg://", 1)
    db = Database(url, pool_size=1)
    try:
        async with db.uow() as uow:
            with pytest.raises(Exception) as caught:
                await uow.session.execute(
                    text("SELECT CAST(:name AS int), CAST(:id AS int), CAST(:acct AS int)"),
                    {"name": SECRET_NAME, "id": SECRET_ID, "acct": SECRET_ACCOUNT},
                )
    finally:
        await db.dispose()
    line = _log_line(caught.value)
    for secret in (SECRET_NAME, SECRET_ID, SECRET_ACCOUNT):
        assert secret not in line
    # What diagnosis needs is still there: the error class and the statement.
    assert "sqlalchemy" in line and "SELECT CAST(" in line
