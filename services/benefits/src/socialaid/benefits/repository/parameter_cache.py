"""The parameter table in memory, exactly as the database holds it (R-CA-01, R-CA-12).

Every assessment needs the 30–60 parameters in force for its region and month, as known at its
``known_at``. Asking PostgreSQL each time (one DISTINCT ON query over the region lineage) was the
largest single cost of ``POST /v1/assessments``. Parameters change a few times a year; so each
process keeps a copy of ``parameter_version`` and answers the same bitemporal question from it.

The copy is never stale: before each lookup, in the caller's transaction, one row is read —
``parameter_revision`` (epoch, revision), bumped by a trigger after every statement that writes
``parameter_version``, with the database's name (a database cloned from another with
``CREATE DATABASE … TEMPLATE`` inherits its epoch, so the epoch alone does not tell them
apart). If it moved, the copy is reloaded in one statement (the revision and the rows from one
snapshot). A lookup therefore sees what the SQL query would have seen at that moment.
A transaction that wrote parameters itself reads its own uncommitted rows, as the SQL query would,
but that copy is used for this lookup only and never kept (the transaction might roll back).

:func:`lookup` answers like :meth:`ParameterRepository.effective`: per key, the version in force
on ``as_of``, known at ``known_at``, nearest region of the lineage first. A test compares the two
over recorded, closed and superseded versions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.domain.parameters import ParameterUsed

# The revision, and whether this transaction wrote it (then its copy is not shared).
_REVISION = text(
    "SELECT current_database() AS database, epoch, revision, "
    "xmin::text::bigint = pg_current_xact_id_if_assigned()::text::bigint % 4294967296 AS own "
    "FROM parameter_revision"
)
_LOAD = text(
    "SELECT current_database() AS database, r.epoch, r.revision, v.id, v.key, v.region_code, v.value_numeric, v.value_json, "
    "v.valid_from, v.valid_to, v.recorded_at, v.superseded_at, v.source "
    "FROM parameter_revision r LEFT JOIN parameter_version v ON true"
)
_MEMO_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class _Version:
    used: ParameterUsed
    valid_from: dt.date
    valid_to: dt.date | None
    recorded_at: dt.datetime
    superseded_at: dt.datetime | None

    def answers(self, as_of: dt.date, known_at: dt.datetime) -> bool:
        return (
            self.valid_from <= as_of
            and (self.valid_to is None or self.valid_to >= as_of)
            and self.recorded_at <= known_at
            and (self.superseded_at is None or self.superseded_at > known_at)
        )


class ParameterCopy:
    """All versions of one database's parameter table at one revision."""

    def __init__(self, database: str, epoch: uuid.UUID, revision: int, rows: Sequence[Any]):
        self.identity = (database, epoch, revision)
        self._versions: dict[str, dict[str, list[_Version]]] = {}
        latest: dt.datetime | None = None
        for r in rows:
            version = _Version(
                used=ParameterUsed(
                    key=r.key,
                    value=r.value_numeric if r.value_numeric is not None else r.value_json,
                    region_code=r.region_code,
                    valid_from=r.valid_from,
                    valid_to=r.valid_to,
                    parameter_id=str(r.id),
                    source=r.source,
                ),
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                recorded_at=r.recorded_at,
                superseded_at=r.superseded_at,
            )
            self._versions.setdefault(r.key, {}).setdefault(r.region_code, []).append(version)
            for moment in (r.recorded_at, r.superseded_at):
                if moment is not None and (latest is None or moment > latest):
                    latest = moment
        # From this moment on, what the system knows no longer changes with known_at.
        self._settled_from = latest
        self._memo: dict[tuple[Any, ...], dict[str, ParameterUsed]] = {}

    def effective(
        self,
        lineage: Sequence[str],
        as_of: dt.date,
        known_at: dt.datetime,
        keys: Sequence[str] | None,
    ) -> dict[str, ParameterUsed]:
        settled = self._settled_from is None or known_at >= self._settled_from
        if settled:
            memo_key = (tuple(lineage), as_of, None if keys is None else tuple(keys))
            hit = self._memo.get(memo_key)
            if hit is not None:
                return dict(hit)
        found: dict[str, ParameterUsed] = {}
        for key in sorted(self._versions) if keys is None else keys:
            regions = self._versions.get(key)
            if regions is None:
                continue
            for region in lineage:
                match = next(
                    (v for v in regions.get(region, ()) if v.answers(as_of, known_at)), None
                )
                if match is not None:
                    found[key] = match.used
                    break
        if settled:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[memo_key] = found
            return dict(found)
        return found


_shared: ParameterCopy | None = None


async def current_copy(session: AsyncSession) -> ParameterCopy:
    """This process's copy, checked against (and if need be reloaded from) the database."""
    global _shared
    database, epoch, revision, own = (await session.execute(_REVISION)).one()
    copy = _shared
    if copy is not None and not own and copy.identity == (database, epoch, revision):
        return copy
    rows = (await session.execute(_LOAD)).all()
    first = rows[0]
    loaded = ParameterCopy(
        first.database, first.epoch, first.revision, [r for r in rows if r.id is not None]
    )
    if not own:
        _shared = loaded
    return loaded


async def lookup(
    session: AsyncSession,
    *,
    lineage: Sequence[str],
    as_of: dt.date,
    known_at: dt.datetime,
    keys: Sequence[str] | None = None,
) -> dict[str, ParameterUsed]:
    """Per key, the version in force on ``as_of`` as known at ``known_at``, nearest region first."""
    if known_at.tzinfo is None:
        raise ValueError("known_at needs a time zone")
    copy = await current_copy(session)
    return copy.effective(lineage, as_of, known_at, keys)
