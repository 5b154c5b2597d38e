from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from socialaid.intake.config import Settings
from socialaid.intake.main import SPEC
from socialaid.testkit.plugin import MigratedDb
from socialaid.web.service import create_app

ALEMBIC_INI = str(Path(__file__).resolve().parents[1] / "alembic.ini")


@pytest_asyncio.fixture
async def settings(isolated_database: MigratedDb) -> Settings:
    """Settings pointing at this test's own database (cloned from the migrated template)."""
    return Settings(database_url=await isolated_database("intake", ALEMBIC_INI))


@pytest_asyncio.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SPEC, settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://intake"
    ) as c:
        yield c
    await app.state.db.dispose()
