from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest_asyncio

from socialaid.benefits.config import Settings
from socialaid.benefits.main import SPEC
from socialaid.db import Database
from socialaid.testkit.plugin import MigratedDb
from socialaid.web.service import create_app

ALEMBIC_INI = str(Path(__file__).resolve().parents[1] / "alembic.ini")


@pytest_asyncio.fixture
async def settings(isolated_database: MigratedDb) -> Settings:
    """Settings pointing at this test's own database (cloned from the migrated template)."""
    return Settings(database_url=await isolated_database("benefits", ALEMBIC_INI))


@pytest_asyncio.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SPEC, settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://benefits"
    ) as c:
        yield c
    await app.state.db.dispose()


@pytest_asyncio.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url, pool_size=2)
    yield database
    await database.dispose()


@pytest_asyncio.fixture
async def sql(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """A plain connection for counting rows and reading what was stored."""
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    yield conn
    await conn.close()


@pytest_asyncio.fixture
async def counts(sql: asyncpg.Connection) -> Callable[[], Awaitable[tuple[int, int, int]]]:
    """Rows in (parameter_version, assessment, outbox): bad input must change none of them."""

    async def count() -> tuple[int, int, int]:
        return (
            await sql.fetchval("select count(*) from parameter_version"),
            await sql.fetchval("select count(*) from assessment"),
            await sql.fetchval("select count(*) from outbox"),
        )

    return count
