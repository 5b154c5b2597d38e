import asyncio
import contextlib
import datetime as dt
import json
import secrets
import socket
import types
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from socialaid.contracts.base import Contract
from socialaid.core.ids import uuid7
from socialaid.db import Database
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Applier
from socialaid.referral import consumers
from socialaid.referral.config import Settings
from socialaid.referral.main import SPEC
from socialaid.testkit.infra import eventually
from socialaid.testkit.plugin import MigratedDb
from socialaid.web.service import create_app

INTAKE = "/socialaid/intake"


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def envelope(event: Contract, *, source: str = INTAKE, sequence: int = 1) -> Envelope:
    return Envelope(
        id=str(uuid7()),
        source=source,
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.subject(),
        sequence=sequence,
    )


async def apply(db: Database, settings: Settings, env: Envelope) -> str:
    """Run the referral consumer's handler for one event exactly as the consumer runner does."""
    subs = consumers.subscriptions(settings)
    applier = Applier(
        db=db, consumer="referral-consumer", source="/socialaid/referral", subscriptions=subs
    )
    async with db.uow() as uow:
        outcome = await applier.apply(uow, env, subs[env.type])
        await uow.commit()
    return outcome


async def fetch(settings: Settings, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
        return rows
    finally:
        await conn.close()


async def outbox_envelopes(settings: Settings, subject: str) -> list[Envelope]:
    rows = await fetch(
        settings,
        "select headers, payload from outbox where headers->>'ce_subject' = $1 order by id",
        subject,
    )
    return [Envelope.from_headers(json.loads(r["headers"]), r["payload"]) for r in rows]


@contextlib.asynccontextmanager
async def running(
    job: Callable[[Settings, Database, asyncio.Event], Coroutine[Any, Any, None]],
    settings: Settings,
    db: Database,
) -> AsyncIterator[None]:
    """Run a worker background job while the block runs, then stop it cleanly."""
    stop = asyncio.Event()
    task = asyncio.create_task(job(settings, db, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


ALEMBIC_INI = str(Path(__file__).resolve().parents[1] / "alembic.ini")


@pytest_asyncio.fixture
async def referral_settings(isolated_database: MigratedDb) -> Settings:
    """Settings pointing at this test's own database (cloned from the migrated template)."""
    return Settings(
        database_url=await isolated_database("referral", ALEMBIC_INI),
        webhook_backoff_base_seconds=0.05,
        webhook_backoff_max_seconds=0.2,
        webhook_max_attempts=3,
        webhook_poll_seconds=0.05,
        webhook_timeout_seconds=2.0,
        overdue_poll_seconds=0.1,
    )


@pytest_asyncio.fixture
async def referral_client(referral_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SPEC, referral_settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://referral"
    ) as c:
        yield c
    await app.state.db.dispose()


@pytest_asyncio.fixture
async def referral_db(referral_settings: Settings) -> AsyncIterator[Database]:
    db = Database(referral_settings.database_url, pool_size=5)
    yield db
    await db.dispose()


@dataclass
class Receiver:
    """A department's webhook endpoint: records what it gets, answers planned statuses first."""

    base_url: str = ""
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    plan: dict[str, list[int]] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"{self.base_url}/hooks/{name}"

    def requests(self, name: str) -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for n, h, b in self.received if n == name]


@pytest_asyncio.fixture(scope="session")
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()

    async def hook(request: Request) -> Response:
        name = request.path_params["name"]
        rec.received.append((name, dict(request.headers), await request.body()))
        planned = rec.plan.get(name)
        return Response(status_code=planned.pop(0) if planned else 204)

    app = Starlette(routes=[Route("/hooks/{name}", hook, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    rec.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))

    async def started() -> bool:
        return server.started

    await eventually(started, timeout=10, what="webhook receiver to start")
    yield rec
    server.should_exit = True
    await task
    sock.close()


@pytest.fixture(scope="session")
def kit() -> types.SimpleNamespace:
    """Helpers for the integration tests (conftest modules cannot be imported under importlib mode)."""
    return types.SimpleNamespace(
        unique=unique,
        envelope=envelope,
        apply=apply,
        fetch=fetch,
        outbox_envelopes=outbox_envelopes,
        running=running,
    )
