"""Plain asyncpg connections for the relay and consumer runner (LISTEN, advisory locks, bulk SQL)."""

from __future__ import annotations

import asyncpg


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """``postgresql+asyncpg://…`` → ``postgresql://…``."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def connect(sqlalchemy_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(asyncpg_dsn(sqlalchemy_url))
