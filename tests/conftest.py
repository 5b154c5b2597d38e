"""Fixtures for tests of the whole running cluster (started by `make test` / `make up`)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from socialaid.core.ids import gb11643_check_char

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared `flow` helpers

URLS = {
    "intake": "http://127.0.0.1:8001",
    "verification": "http://127.0.0.1:8002",
    "benefits": "http://127.0.0.1:8003",
    "payments": "http://127.0.0.1:8004",
    "relief": "http://127.0.0.1:8005",
    "referral": "http://127.0.0.1:8006",
    "department": "http://127.0.0.1:8101",
    "bank": "http://127.0.0.1:8102",
}


@pytest_asyncio.fixture(scope="session")
async def http() -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    clients = {name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in URLS.items()}
    for name, client in clients.items():
        try:
            r = await client.get("/healthz")
        except httpx.HTTPError as exc:
            pytest.fail(
                f"{name} at {URLS[name]} is not running ({exc}); start the stack with `make up`"
            )
        assert r.status_code == 200, f"{name} unhealthy"
    yield clients
    for client in clients.values():
        await client.aclose()


class People:
    """Valid, unique citizen ID numbers for test households."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def member(
        self,
        relationship: str,
        *,
        region: str = "141102",
        born: dt.date | None = None,
        **extra: object,
    ) -> dict[str, Any]:
        born = born or dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 40))
        body = f"{region}{born:%Y%m%d}{self.rng.randrange(0, 1000):03d}"
        return {
            "name": "测试" + "甲乙丙丁戊"[self.rng.randrange(5)],
            "id_number": body + gb11643_check_char(body),
            "relationship": relationship,
            "birth_date": born.isoformat(),
            **extra,
        }


@pytest.fixture
def people() -> People:
    return People(random.randrange(1 << 30))
