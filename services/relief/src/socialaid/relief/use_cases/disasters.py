"""Declaring and reading disaster events (R-DR-01)."""

from __future__ import annotations

import datetime as dt

from socialaid.contracts.events import DisasterDeclared
from socialaid.core.ids import uuid7
from socialaid.db import UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink
from socialaid.relief.domain.disaster import DisasterStatus
from socialaid.relief.domain.records import DisasterRecord
from socialaid.relief.repository import ReliefRepository
from socialaid.relief.schemas import DisasterCreate, DisasterRead

SOURCE = "/socialaid/relief"


def disaster_read(d: DisasterRecord) -> DisasterRead:
    return DisasterRead(
        disaster_id=str(d.id),
        region_code=d.region_code,
        disaster_type=d.disaster_type,
        response_level=d.response_level,
        started_on=d.started_on,
        description=d.description,
        status=d.status,
        declared_at=d.declared_at,
    )


async def declare_disaster(
    uow: UnitOfWork, *, data: DisasterCreate, sink: EventSink | None = None
) -> DisasterRead:
    """Record the disaster and queue ``DisasterDeclared`` in the same transaction.

    The event goes to ``sink`` (the outbox in the unit of work's transaction by default).
    """
    events = sink or OutboxSink(uow.session, source=SOURCE)
    now = dt.datetime.now(dt.UTC)
    d = await ReliefRepository(uow.session).add_disaster(
        DisasterRecord(
            id=uuid7(),
            region_code=data.region_code,
            disaster_type=data.disaster_type,
            response_level=data.response_level,
            started_on=data.started_on,
            description=data.description,
            status=DisasterStatus.DECLARED,
            declared_at=now,
        )
    )
    await events.add(
        DisasterDeclared(
            disaster_id=str(d.id),
            region_code=d.region_code,
            disaster_type=d.disaster_type.value,
            response_level=d.response_level.value,
            started_on=d.started_on,
            declared_at=now,
        )
    )
    return disaster_read(d)


async def read_disaster(uow: UnitOfWork, *, disaster_id: str) -> DisasterRead:
    return disaster_read(await ReliefRepository(uow.session).get_disaster(disaster_id))


async def list_disasters(
    uow: UnitOfWork, *, region_code: str | None, limit: int, offset: int
) -> list[DisasterRead]:
    records = await ReliefRepository(uow.session).list_disasters(
        region_code=region_code, limit=limit, offset=offset
    )
    return [disaster_read(d) for d in records]
