"""Tell "the database is unreachable" (retry later) from every other database error."""

from __future__ import annotations

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# The connection went away (server restart, terminated backend, network) or cannot be opened.
CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    ConnectionError,  # refused / reset / aborted sockets
    asyncpg.PostgresConnectionError,  # includes ConnectionDoesNotExistError
    asyncpg.CannotConnectNowError,  # the server is starting up or shutting down
    asyncpg.AdminShutdownError,  # terminated by an administrator (pg_terminate_backend)
    asyncpg.InterfaceError,  # e.g. "connection is closed"
    PoolTimeout,  # every pooled connection is busy: the database is overloaded
)


def is_connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` (or what it wraps) means the database could not be reached."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, CONNECTION_ERRORS):
            return True
        current = current.__cause__  # SQLAlchemy wraps the driver's error `from` it
    return False
