"""Recalculation runs: requested, discovered for new parameter versions, progressed, finished.

Progress is written by the worker in short transactions of its own (the caller's unit of work),
beside the long transaction that recalculates. Never commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.db import recalculation_run
from socialaid.core.errors import NotFound
from socialaid.db.records import parse_uuid

R = recalculation_run

# A uuid v7 in SQL (PostgreSQL 15 has no uuidv7()): 48-bit ms timestamp over a random v4.
UUID7_SQL = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) "
    "FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"
)
_DISCOVER = text(
    f"""
    INSERT INTO recalculation_run
        (id, trigger, parameter_id, region_code, effective_month, cause, status, created_at)
    SELECT {UUID7_SQL}, 'parameter', pv.id, pv.region_code,
           to_char(date_trunc('month', pv.valid_from - 1 + interval '1 month'), 'YYYY-MM'),
           pv.key || ' ' || pv.region_code || ' from ' || pv.valid_from::text
               || ' (parameter ' || pv.id::text || ')',
           'pending', pv.recorded_at
    FROM parameter_version pv
    WHERE pv.key = ANY(:keys) AND pv.supersedes_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM recalculation_run r WHERE r.parameter_id = pv.id)
    ORDER BY pv.recorded_at
    ON CONFLICT (parameter_id) DO NOTHING
    """
)
RunTrigger = Literal["parameter", "manual"]
RunStatus = Literal["pending", "running", "completed", "failed"]
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext('socialaid.benefits.recalc'))")


@dataclass(frozen=True, slots=True)
class RecalculationRun:
    """A row of ``recalculation_run``."""

    id: uuid.UUID
    trigger: RunTrigger
    parameter_id: uuid.UUID | None
    region_code: str
    effective_month: str
    cause: str
    status: RunStatus
    phase: str | None
    regions: list[str] | None
    scanned: int
    changed: int
    unchanged: int
    engine_path: int
    arrears_total: Decimal
    overpayment_total: Decimal
    attempts: int
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_ms: int | None


def _run(row: Row[Any]) -> RecalculationRun:
    return RecalculationRun(**row._asdict())


class RecalculationRunRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, run_id: str | uuid.UUID) -> RecalculationRun:
        q = select(R).where(R.c.id == parse_uuid(run_id, "recalculation"))
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NotFound(f"No recalculation {run_id}.")
        return _run(row)

    async def list_runs(self, *, status: str | None, limit: int) -> list[RecalculationRun]:
        """Newest first."""
        q = select(R).order_by(R.c.created_at.desc(), R.c.id.desc()).limit(limit)
        if status is not None:
            q = q.where(R.c.status == status)
        return [_run(r) for r in await self.session.execute(q)]

    async def add_manual(
        self, *, id: uuid.UUID, region_code: str, effective_month: str, cause: str
    ) -> RecalculationRun:
        stmt = (
            R.insert()
            .values(
                id=id,
                trigger="manual",
                region_code=region_code,
                effective_month=effective_month,
                cause=cause,
                status="pending",
            )
            .returning(R)
        )
        return _run((await self.session.execute(stmt)).one())

    async def discover_parameter_runs(self, keys: Sequence[str]) -> int:
        """A pending run for every recorded version of these keys that has none yet."""
        res = await self.session.execute(_DISCOVER, {"keys": list(keys)})
        return int(res.rowcount or 0)  # type: ignore[attr-defined]  # rowcount exists on CursorResult

    async def try_lock(self) -> bool:
        """One recalculation at a time (held until the transaction ends)."""
        return bool((await self.session.execute(_TRY_LOCK)).scalar_one())

    async def next_open(self) -> RecalculationRun | None:
        """The oldest pending or running (crashed) run."""
        q = (
            select(R)
            .where(R.c.status.in_(("pending", "running")))
            .order_by(R.c.created_at, R.c.id)
            .limit(1)
        )
        row = (await self.session.execute(q)).first()
        return None if row is None else _run(row)

    async def _set(self, run_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(R).where(R.c.id == run_id).values(**values))

    async def mark_started(self, run_id: uuid.UUID, *, attempts: int) -> None:
        await self._set(
            run_id,
            status="running",
            phase="reading",
            attempts=attempts,
            started_at=func.now(),
            error=None,
        )

    async def mark_phase(
        self,
        run_id: uuid.UUID,
        phase: str,
        *,
        scanned: int | None = None,
        regions: list[str] | None = None,
    ) -> None:
        values: dict[str, Any] = {"phase": phase}
        if scanned is not None:
            values["scanned"] = scanned
        if regions is not None:
            values["regions"] = regions
        await self._set(run_id, **values)

    async def mark_attempt_failed(self, run_id: uuid.UUID, *, final: bool, error: str) -> None:
        """The attempt rolled back: the run is taken again, unless this was the last attempt."""
        await self._set(run_id, status="failed" if final else "pending", phase=None, error=error)

    async def mark_completed(
        self,
        run_id: uuid.UUID,
        *,
        regions: list[str],
        scanned: int,
        changed: int,
        engine_path: int,
        arrears_total: Decimal,
        overpayment_total: Decimal,
        error: str | None,
        duration_ms: int,
    ) -> None:
        await self._set(
            run_id,
            status="completed",
            phase=None,
            regions=regions,
            scanned=scanned,
            changed=changed,
            unchanged=scanned - changed,
            engine_path=engine_path,
            arrears_total=arrears_total,
            overpayment_total=overpayment_total,
            error=error,
            finished_at=func.now(),
            duration_ms=duration_ms,
        )
