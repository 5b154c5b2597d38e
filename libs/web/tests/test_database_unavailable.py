"""A lost or refused database connection is a retryable 503 ``database_unavailable``, never a
500 with internals; any other database error stays a plain 500 (fault matrix: database
connection lost mid-transaction). A small app, no I/O beyond ASGI."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from socialaid.db.errors import is_connection_lost
from socialaid.web.problems import MEDIA_TYPE, install_problem_handlers


def _wrapped(orig: BaseException, *, invalidated: bool = False) -> DBAPIError:
    """As SQLAlchemy raises it: the driver's error wrapped ``from`` the original."""
    try:
        try:
            raise orig
        except BaseException as e:
            raise DBAPIError(
                "INSERT INTO outbox …", None, e, connection_invalidated=invalidated
            ) from e
    except DBAPIError as wrapped:
        return wrapped


LOST = [
    _wrapped(asyncpg.ConnectionDoesNotExistError("connection was closed")),
    _wrapped(Exception("closed in the middle of operation"), invalidated=True),
    _wrapped(asyncpg.AdminShutdownError("terminating connection due to administrator command")),
    _wrapped(asyncpg.CannotConnectNowError("the database system is starting up")),
    ConnectionRefusedError(111, "Connection refused"),
    PoolTimeout("QueuePool limit reached"),
]
NOT_LOST = [
    IntegrityError("INSERT INTO application …", None, Exception("duplicate key value")),
    _wrapped(asyncpg.UniqueViolationError("duplicate key value")),
    ValueError("a bug"),
]


def make_app(exc: BaseException) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/write")
    async def write() -> None:
        raise exc

    return app


async def call(exc: BaseException) -> httpx.Response:
    transport = httpx.ASGITransport(app=make_app(exc), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        return await c.post("/write")


@pytest.mark.parametrize("exc", LOST, ids=lambda e: type(e).__name__)
async def test_connection_lost_is_503_database_unavailable_without_internals(exc):
    assert is_connection_lost(exc)
    r = await call(exc)
    assert r.status_code == 503
    assert r.headers["content-type"].startswith(MEDIA_TYPE)
    assert r.headers["retry-after"] == "2"
    body = r.json()
    assert body["code"] == "database_unavailable"
    assert body["instance"] == "/write"
    for internal in ("insert", "outbox", "asyncpg", "connection was closed", "administrator"):
        assert internal not in r.text.lower()


@pytest.mark.parametrize("exc", NOT_LOST, ids=lambda e: type(e).__name__)
async def test_other_database_errors_stay_internal_500(exc):
    assert not is_connection_lost(exc)
    r = await call(exc)
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == "internal_error"
    assert "duplicate" not in r.text and "INSERT" not in r.text
