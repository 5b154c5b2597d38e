"""Alembic helpers: one async ``env.py`` body for every service and the platform tables."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from socialaid.db.platform import platform_metadata


def create_platform_tables(op: object) -> None:
    """Create outbox, inbox, parked_message and idempotency_record (platform schema v1)."""
    bind = op.get_bind()  # type: ignore[attr-defined]
    platform_metadata.create_all(bind)


def drop_platform_tables(op: object) -> None:
    bind = op.get_bind()  # type: ignore[attr-defined]
    platform_metadata.drop_all(bind)


def run_alembic_env(url: str, target_metadata: Sequence[MetaData]) -> None:
    """Body of a service's ``migrations/env.py`` (online mode, asyncpg)."""
    metadata = [*target_metadata, platform_metadata]

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run())


def upgrade_to_head(alembic_ini: str, url: str) -> None:
    """Programmatic ``alembic upgrade head`` for a service (used by ``<svc> migrate`` and tests)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(alembic_ini)
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "head")
