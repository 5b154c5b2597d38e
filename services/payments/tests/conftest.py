import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn

from socialaid.db import Database
from socialaid.devsim.bank import create_app as create_bank
from socialaid.payments.config import Settings
from socialaid.payments.main import SPEC
from socialaid.testkit.plugin import MigratedDb
from socialaid.web.service import create_app

ALEMBIC_INI = str(Path(__file__).resolve().parents[1] / "alembic.ini")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def bank_url() -> Iterator[str]:
    """The real bank simulator served over HTTP on 127.0.0.1 (a thread running uvicorn)."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_bank(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="bank-simulator", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("bank simulator did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest_asyncio.fixture
async def settings(isolated_database: MigratedDb, bank_url: str) -> Settings:
    """Settings pointing at this test's own database (cloned from the migrated template)."""
    return Settings(
        database_url=await isolated_database("payments", ALEMBIC_INI),
        bank_url=bank_url,
        bank_timeout_seconds=2.0,
        disbursement_poll_seconds=0.1,
        disbursement_backoff_base_seconds=0.2,
        disbursement_backoff_max_seconds=1.0,
    )


@pytest_asyncio.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SPEC, settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://payments"
    ) as c:
        yield c
    await app.state.db.dispose()


@pytest_asyncio.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url, pool_size=5)
    yield database
    await database.dispose()


@pytest_asyncio.fixture(scope="session")
async def bank(bank_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Client of the simulator's own endpoints (seeding accounts, faults, transfers)."""
    async with httpx.AsyncClient(base_url=bank_url, timeout=10) as c:
        yield c
