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
from socialaid.devsim.department import create_app as create_department_simulator
from socialaid.testkit.plugin import MigratedDb
from socialaid.verification.config import Settings
from socialaid.verification.main import SPEC
from socialaid.web.service import create_app

ALEMBIC_INI = str(Path(__file__).resolve().parents[1] / "alembic.ini")


@pytest.fixture(scope="session")
def department_url() -> Iterator[str]:
    """The real department simulator, served over HTTP on a free port of 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_department_simulator(), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:  # poll with a deadline until the server listens
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("department simulator did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest_asyncio.fixture
async def settings(isolated_database: MigratedDb, department_url: str) -> Settings:
    """Settings pointing at this test's own database (cloned from the migrated template)."""
    return Settings(
        database_url=await isolated_database("verification", ALEMBIC_INI),
        department_url=department_url,
        department_timeout_seconds=2.0,
        department_retries=2,
        department_retry_backoff_seconds=0.01,
    )


@pytest_asyncio.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.dispose()


@pytest_asyncio.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SPEC, settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://verification"
    ) as c:
        yield c
    await app.state.db.dispose()


@pytest_asyncio.fixture
async def sim(department_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the simulator's controls; every test starts with no records and no faults."""
    async with httpx.AsyncClient(base_url=department_url) as c:
        await c.delete("/sim/records")
        await c.delete("/sim/faults")
        yield c
        await c.delete("/sim/faults")
