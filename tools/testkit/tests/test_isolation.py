"""Every test gets a database of its own, cloned from a migrated template."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from socialaid.testkit.infra import PG_ADMIN_URL, database_name
from socialaid.testkit.plugin import MigratedDb

pytestmark = pytest.mark.integration

# Any service's migrations do: the platform tables (outbox, inbox …) are in every one.
ALEMBIC_INI = str(Path(__file__).resolve().parents[3] / "services" / "relief" / "alembic.ini")


async def _count_and_write(url: str) -> int:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        before: int = await conn.fetchval("SELECT count(*) FROM outbox_sequence")
        await conn.execute(
            "INSERT INTO outbox_sequence (subject, last_sequence) VALUES ('isolation-probe', 1)"
        )
        return before
    finally:
        await conn.close()


@pytest.mark.parametrize("attempt", [1, 2])
async def test_each_test_sees_only_its_own_rows(
    isolated_database: MigratedDb, attempt: int
) -> None:
    url = await isolated_database("isolation", ALEMBIC_INI)
    # The row the other parametrised test committed is not here, whichever ran first.
    assert await _count_and_write(url) == 0


async def test_the_template_is_never_written(isolated_database: MigratedDb) -> None:
    first = await isolated_database("isolation", ALEMBIC_INI)
    await _count_and_write(first)
    second = await isolated_database("isolation", ALEMBIC_INI)
    assert database_name(first) != database_name(second)
    assert await _count_and_write(second) == 0


async def test_databases_are_dropped_after_the_test() -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        left = await conn.fetchval(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'test_isolation_%'"
            " AND datname NOT LIKE 'test_isolation_template_%'"
        )
    finally:
        await conn.close()
    assert left == 0
