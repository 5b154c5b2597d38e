"""Queries over relief tables. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.relief.db import disaster


class ReliefRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_disaster(self, **values: Any) -> RowMapping:
        return (
            (await self.session.execute(disaster.insert().values(**values).returning(*disaster.c)))
            .mappings()
            .one()
        )

    async def get_disaster(self, disaster_id: str) -> RowMapping:
        try:
            key = uuid.UUID(disaster_id)
        except ValueError as exc:
            raise NotFound(f"No disaster {disaster_id}.") from exc
        row = (
            (await self.session.execute(select(disaster).where(disaster.c.id == key)))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No disaster {disaster_id}.")
        return row

    async def list_disasters(
        self, *, region_code: str | None, limit: int, offset: int
    ) -> Sequence[RowMapping]:
        q = select(disaster).order_by(disaster.c.declared_at.desc(), disaster.c.id.desc())
        if region_code:
            q = q.where(disaster.c.region_code == region_code)
        return (await self.session.execute(q.limit(limit).offset(offset))).mappings().all()
