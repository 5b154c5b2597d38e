"""Parameter versions (bitemporal): lookups for the API, writes of new versions. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, String, and_, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.db import parameter_version

pv = parameter_version


@dataclass(frozen=True, slots=True)
class ParameterVersion:
    """One row of ``parameter_version`` as stored."""

    id: uuid.UUID
    key: str
    region_code: str
    value_numeric: Decimal | None
    value_json: Any  # a JSON table (object or array) when the key's kind is json
    valid_from: dt.date
    valid_to: dt.date | None
    recorded_at: dt.datetime
    superseded_at: dt.datetime | None
    supersedes_id: uuid.UUID | None
    source: str

    @property
    def value(self) -> Any:
        """The number, or else the JSON table."""
        return self.value_numeric if self.value_numeric is not None else self.value_json


def _version(row: Row[Any]) -> ParameterVersion:
    return ParameterVersion(**row._asdict())


def known_at_clause(known_at: dt.datetime) -> ColumnElement[bool]:
    """Versions the system knew at ``known_at`` (knowledge time)."""
    return and_(
        pv.c.recorded_at <= known_at,
        or_(pv.c.superseded_at.is_(None), pv.c.superseded_at > known_at),
    )


class ParameterRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def lock_series(self, key: str, region_code: str) -> None:
        """Serialise writers of one key+region (the exclusion constraint is the backstop)."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
            {"k": f"parameter|{key}|{region_code}"},
        )

    async def effective(
        self,
        *,
        lineage: list[str],
        as_of: dt.date,
        known_at: dt.datetime,
        keys: Sequence[str] | None = None,
    ) -> list[ParameterVersion]:
        """Per key, the version in force on ``as_of`` as known at ``known_at``, nearest region first."""
        lineage_arr = literal(lineage, ARRAY(String))
        q = (
            select(pv)
            .ext(distinct_on(pv.c.key))
            .where(
                pv.c.region_code.in_(lineage),
                pv.c.valid_from <= as_of,
                or_(pv.c.valid_to.is_(None), pv.c.valid_to >= as_of),
                known_at_clause(known_at),
            )
            .order_by(pv.c.key, func.array_position(lineage_arr, pv.c.region_code))
        )
        if keys is not None:
            q = q.where(pv.c.key.in_(list(keys)))
        return [_version(r) for r in await self.session.execute(q)]

    async def current_versions(self, key: str, region_code: str) -> list[ParameterVersion]:
        """Versions of one key+region the system currently holds true, by valid_from."""
        q = (
            select(pv)
            .where(pv.c.key == key, pv.c.region_code == region_code, pv.c.superseded_at.is_(None))
            .order_by(pv.c.valid_from)
        )
        return [_version(r) for r in await self.session.execute(q)]

    async def history(self, key: str, region_code: str | None) -> list[ParameterVersion]:
        q = select(pv).where(pv.c.key == key)
        if region_code is not None:
            q = q.where(pv.c.region_code == region_code)
        q = q.order_by(pv.c.region_code, pv.c.valid_from, pv.c.recorded_at)
        return [_version(r) for r in await self.session.execute(q)]

    async def add(
        self,
        *,
        id: uuid.UUID,
        key: str,
        region_code: str,
        value_numeric: Decimal | None,
        value_json: Any,
        valid_from: dt.date,
        valid_to: dt.date | None,
        source: str,
        supersedes_id: uuid.UUID | None = None,
    ) -> ParameterVersion:
        """Record a version; the row as stored (``recorded_at`` set by the database)."""
        stmt = (
            pv.insert()
            .values(
                id=id,
                key=key,
                region_code=region_code,
                value_numeric=value_numeric,
                value_json=value_json,
                valid_from=valid_from,
                valid_to=valid_to,
                supersedes_id=supersedes_id,
                source=source,
            )
            .returning(pv)
        )
        return _version((await self.session.execute(stmt)).one())

    async def supersede(self, version_id: uuid.UUID) -> None:
        await self.session.execute(
            update(pv)
            .where(pv.c.id == version_id, pv.c.superseded_at.is_(None))
            .values(superseded_at=func.now())
        )
