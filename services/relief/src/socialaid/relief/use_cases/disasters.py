"""Declaring and reading disaster events (R-DR-01)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import DisasterDeclared
from socialaid.core.ids import uuid7
from socialaid.db import UnitOfWork
from socialaid.events.outbox import add_event
from socialaid.relief.domain.disaster import DisasterStatus
from socialaid.relief.repository import ReliefRepository
from socialaid.relief.schemas import DisasterCreate, DisasterRead

SOURCE = "/socialaid/relief"


def disaster_view(row: RowMapping) -> dict[str, Any]:
    return DisasterRead(
        disaster_id=str(row["id"]),
        region_code=row["region_code"],
        disaster_type=row["disaster_type"],
        response_level=row["response_level"],
        started_on=row["started_on"],
        description=row["description"],
        status=row["status"],
        declared_at=row["declared_at"],
    ).model_dump(mode="json")


async def declare_disaster(uow: UnitOfWork, *, data: DisasterCreate) -> dict[str, Any]:
    """Record the disaster and queue ``DisasterDeclared`` in the same transaction."""
    now = dt.datetime.now(dt.UTC)
    row = await ReliefRepository(uow.session).add_disaster(
        id=uuid7(),
        region_code=data.region_code,
        disaster_type=data.disaster_type.value,
        response_level=data.response_level.value,
        started_on=data.started_on,
        description=data.description,
        status=DisasterStatus.DECLARED.value,
        declared_at=now,
    )
    await add_event(
        uow.session,
        DisasterDeclared(
            disaster_id=str(row["id"]),
            region_code=row["region_code"],
            disaster_type=row["disaster_type"],
            response_level=row["response_level"],
            started_on=row["started_on"],
            declared_at=now,
        ),
        source=SOURCE,
    )
    return disaster_view(row)


async def read_disaster(uow: UnitOfWork, *, disaster_id: str) -> dict[str, Any]:
    return disaster_view(await ReliefRepository(uow.session).get_disaster(disaster_id))


async def list_disasters(
    uow: UnitOfWork, *, region_code: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    rows = await ReliefRepository(uow.session).list_disasters(
        region_code=region_code, limit=limit, offset=offset
    )
    return [disaster_view(r) for r in rows]
