"""Pytest plugin: fresh, migrated databases per service and per test, and the real Kafka.

Isolation: ``isolated_database`` gives every test its own database, cloned from a
template migrated once per session (``CREATE DATABASE … TEMPLATE``, tens of
milliseconds), and drops it after the test. A test therefore sees only the rows
it wrote, and its writes are real commits, so relays, consumers and concurrent
transactions behave as in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio

from socialaid.testkit.infra import (
    KAFKA_BOOTSTRAP,
    clone_database,
    create_database,
    drop_database,
    sqlalchemy_url,
)

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
    """Factory: a fresh database migrated with a service's Alembic scripts (upgrade head),
    shared by the tests that ask for it in this session."""
    from socialaid.db.migrations import upgrade_to_head

    async def make(prefix: str, alembic_ini: str) -> str:
        url = await fresh_database(prefix)
        await asyncio.to_thread(upgrade_to_head, alembic_ini, url)
        return url

    return make


@pytest_asyncio.fixture(scope="session")
async def database_templates(
    fresh_database: Callable[[str], Awaitable[str]],
) -> Callable[[str, str], Awaitable[str]]:
    """Factory: the name of a service's migrated template database, made once per session."""
    from socialaid.db.migrations import upgrade_to_head

    templates: dict[tuple[str, str], str] = {}
    lock = asyncio.Lock()

    async def make(prefix: str, alembic_ini: str) -> str:
        async with lock:
            if (prefix, alembic_ini) not in templates:
                url = await fresh_database(f"{prefix}_template")
                await asyncio.to_thread(upgrade_to_head, alembic_ini, url)
                templates[(prefix, alembic_ini)] = url.rsplit("/", 1)[1]
            return templates[(prefix, alembic_ini)]

    return make


@pytest_asyncio.fixture
async def isolated_database(
    database_templates: Callable[[str, str], Awaitable[str]],
) -> AsyncIterator[MigratedDb]:
    """Factory for one test: a database of its own, migrated to head, dropped after the test."""
    created: list[str] = []

    async def make(prefix: str, alembic_ini: str) -> str:
        template = await database_templates(prefix, alembic_ini)
        name = await clone_database(template, prefix)
        created.append(name)
        return sqlalchemy_url(name)

    yield make
    for name in created:
        await drop_database(name)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return KAFKA_BOOTSTRAP
