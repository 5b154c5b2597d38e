"""Parked outbox rows over HTTP, and an oversize event as problem+json, on real PostgreSQL
(a database migrated with a service's full migration chain, platform schema v3 included).

Hardening probe "oversize event": the write fails cleanly (422 ``event_too_large``, nothing
stored); the operator sees parked rows and retries or discards them; ids beyond BIGINT are a
422, never a 500.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter
from sqlalchemy import func, insert, select

from socialaid.contracts.base import Contract
from socialaid.core.settings import ServiceSettings
from socialaid.db import Database
from socialaid.db.platform import outbox
from socialaid.events.limits import configure_event_limit, event_limit
from socialaid.events.outbox import add_event
from socialaid.testkit.plugin import MigratedDb
from socialaid.web.problems import MEDIA_TYPE
from socialaid.web.service import DbDep, ServiceSpec, create_app

pytestmark = pytest.mark.integration
RELIEF_ALEMBIC = Path(__file__).resolve().parents[4] / "services/relief/alembic.ini"


class Noted(Contract):
    TYPE: ClassVar[str] = "cn.gov.socialaid.test.noted.v1"
    TOPIC: ClassVar[str] = "socialaid.test.noted"
    SUBJECT: ClassVar[str] = "account"
    account: str
    note: str


notes = APIRouter()


@notes.post("/v1/notes")
async def add_note(body: dict[str, str], db: DbDep) -> dict[str, str]:
    async with db.uow() as uow:
        env = await add_event(uow.session, Noted.model_validate(body), source="/socialaid/test")
        await uow.commit()
    return {"event_id": env.id}


@pytest.fixture
def _restore_limit() -> Iterator[None]:
    before = event_limit()
    yield
    configure_event_limit(before)


@pytest_asyncio.fixture
async def api(
    migrated_database: MigratedDb, _restore_limit: None
) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    url = await migrated_database("outboxapi", str(RELIEF_ALEMBIC))
    settings = ServiceSettings(database_url=url, event_max_bytes=4096)
    spec = ServiceSpec(
        name="outboxapi",
        title="Outbox operations",
        description="test",
        settings_factory=lambda: settings,
        routers=[notes],
        alembic_ini=RELIEF_ALEMBIC,
    )
    app = create_app(spec, settings)
    db = Database(url, pool_size=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client, db
    await app.state.db.dispose()
    await db.dispose()


async def add_row(db: Database, subject: str, sequence: int, *, parked: bool) -> int:
    """An outbox row as the relay leaves it: parked (the broker refused it) or waiting."""
    async with db.uow() as uow:
        row_id = (
            await uow.session.execute(
                insert(outbox)
                .values(
                    event_id=uuid.uuid4(),
                    topic="socialaid.test.noted",
                    key=subject,
                    event_type=Noted.TYPE,
                    headers={"ce_subject": subject, "ce_sequence": str(sequence)},
                    payload=b"x" * 2000,
                    parked_at=func.now() if parked else None,
                    attempts=1 if parked else 0,
                    last_error="MessageSizeTooLargeError: too big" if parked else None,
                )
                .returning(outbox.c.id)
            )
        ).scalar_one()
        await uow.commit()
    return int(row_id)


def problem(resp: httpx.Response, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(MEDIA_TYPE)
    body: dict[str, Any] = resp.json()
    return body


async def test_an_oversize_event_is_a_422_problem_and_nothing_is_stored(api):
    client, db = api
    resp = await client.post("/v1/notes", json={"account": "a-1", "note": "x" * 5000})
    body = problem(resp, 422)
    assert body["code"] == "event_too_large"
    assert body["limit"] == 4096 and body["size"] > 4096  # the service's configured limit
    assert body["event_type"] == Noted.TYPE
    async with db.uow() as uow:
        assert (await uow.session.execute(select(func.count()).select_from(outbox))).scalar() == 0
    ok = await client.post("/v1/notes", json={"account": "a-1", "note": "x" * 1000})
    assert ok.status_code == 200, ok.text


async def test_operator_lists_retries_and_discards_parked_rows(api):
    client, db = api
    first = await add_row(db, "s-1", 1, parked=True)
    await add_row(db, "s-1", 2, parked=False)  # held behind it
    second = await add_row(db, "s-2", 1, parked=True)

    listed = await client.get("/v1/admin/outbox/parked")
    assert listed.status_code == 200
    rows = {r["id"]: r for r in listed.json()}
    assert set(rows) == {first, second}
    assert rows[first]["subject"] == "s-1" and rows[first]["sequence"] == 1
    assert rows[first]["held"] == 1 and rows[second]["held"] == 0
    assert rows[first]["last_error"].startswith("MessageSizeTooLargeError")
    assert rows[first]["size"] == 2000 and rows[first]["attempts"] == 1

    retried = await client.post(f"/v1/admin/outbox/parked/{first}/retry")
    assert retried.status_code == 200 and retried.json() == {"id": first, "retried": True}
    discarded = await client.post(
        f"/v1/admin/outbox/parked/{second}/discard", params={"note": "rebuilt smaller"}
    )
    assert discarded.json() == {"id": second, "discarded": True}
    assert (await client.get("/v1/admin/outbox/parked")).json() == []
    async with db.uow() as uow:
        state = (
            await uow.session.execute(
                select(outbox.c.id, outbox.c.parked_at, outbox.c.discarded_at, outbox.c.last_error)
            )
        ).all()
    by_id = {r.id: r for r in state}
    assert by_id[first].parked_at is None and by_id[first].discarded_at is None
    assert by_id[second].discarded_at is not None
    assert "rebuilt smaller" in by_id[second].last_error

    for action in ("retry", "discard"):  # nothing open any more
        body = problem(await client.post(f"/v1/admin/outbox/parked/{first}/{action}"), 404)
        assert body["code"] == "not_found"


@pytest.mark.parametrize("row_id", ["9223372036854775808", "99999999999999999999999", "0", "-1"])
async def test_ids_beyond_bigint_are_a_422_not_a_500(api, row_id):
    client, _ = api
    for action in ("retry", "discard"):
        body = problem(await client.post(f"/v1/admin/outbox/parked/{row_id}/{action}"), 422)
        assert json.dumps(body)  # a problem document, not a stack trace
    largest = await client.post("/v1/admin/outbox/parked/9223372036854775807/retry")
    problem(largest, 404)
