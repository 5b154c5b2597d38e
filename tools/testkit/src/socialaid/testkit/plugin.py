"""Pytest plugin: fixtures for a fresh, migrated database per service and the real Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio

from socialaid.testkit.infra import KAFKA_BOOTSTRAP, create_database, drop_database, sqlalchemy_url

MigratedDb = Callable[[str, str], Awaitable[str]]


@pytest_asyncio.fixture(scope="session")
async def fresh_database() -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Factory: an empty database on the real server, dropped at the end of the session."""
    created: list[str] = []

    async def make(prefix: str) -> str:
        name = await create_database(prefix)
        created.append(name)
        return sqlalchemy_url(name)

    yield make
    for name in created:
        await drop_database(name)


@pytest_asyncio.fixture(scope="session")
async def migrated_database(fresh_database: Callable[[str], Awaitable[str]]) -> MigratedDb:
    """Factory: a fresh database migrated with a service's Alembic scripts (upgrade head)."""
    from socialaid.db.migrations import upgrade_to_head

    async def make(prefix: str, alembic_ini: str) -> str:
        url = await fresh_database(prefix)
        await asyncio.to_thread(upgrade_to_head, alembic_ini, url)
        return url

    return make


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return KAFKA_BOOTSTRAP
