"""Queries over relief tables; rows come back as the records of ``domain.records``.

Never commits: the caller's unit of work does.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.relief.db import disaster
from socialaid.relief.domain.disaster import DisasterStatus, DisasterType, ResponseLevel
from socialaid.relief.domain.records import DisasterRecord


def _disaster(row: Row[Any]) -> DisasterRecord:
    return DisasterRecord(
        id=row.id,
        region_code=row.region_code,
        disaster_type=DisasterType(row.disaster_type),
        response_level=ResponseLevel(row.response_level),
        started_on=row.started_on,
        description=row.description,
        status=DisasterStatus(row.status),
        declared_at=row.declared_at,
    )


class ReliefRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_disaster(self, record: DisasterRecord) -> DisasterRecord:
        result = await self.session.execute(
            disaster.insert()
            .values(
                id=record.id,
                region_code=record.region_code,
                disaster_type=record.disaster_type.value,
                response_level=record.response_level.value,
                started_on=record.started_on,
                description=record.description,
                status=record.status.value,
                declared_at=record.declared_at,
            )
            .returning(*disaster.c)
        )
        return _disaster(result.one())

    async def get_disaster(self, disaster_id: str) -> DisasterRecord:
        try:
            key = uuid.UUID(disaster_id)
        except ValueError as exc:
            raise NotFound(f"No disaster {disaster_id}.") from exc
        result = await self.session.execute(select(disaster).where(disaster.c.id == key))
        found = result.first()
        if found is None:
            raise NotFound(f"No disaster {disaster_id}.")
        return _disaster(found)

    async def list_disasters(
        self, *, region_code: str | None, limit: int, offset: int
    ) -> list[DisasterRecord]:
        q = select(disaster).order_by(disaster.c.declared_at.desc(), disaster.c.id.desc())
        if region_code:
            q = q.where(disaster.c.region_code == region_code)
        result = await self.session.execute(q.limit(limit).offset(offset))
        return [_disaster(row) for row in result]
