"""Recalculation runs as the API shows them: list, read, request one (R-CA-01).

The worker executes runs (``socialaid.benefits.recalculation.run``).
"""

from __future__ import annotations

from socialaid.benefits.repository.recalculation_runs import (
    RecalculationRun,
    RecalculationRunRepository,
)
from socialaid.benefits.schemas.recalculations import RecalculationCounts, RecalculationRead
from socialaid.core.errors import RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.regions import get_region
from socialaid.db import UnitOfWork


def to_read(run: RecalculationRun) -> RecalculationRead:
    return RecalculationRead(
        recalculation_id=str(run.id),
        trigger=run.trigger,
        parameter_id=str(run.parameter_id) if run.parameter_id else None,
        region_code=run.region_code,
        effective_month=run.effective_month,
        cause=run.cause,
        status=run.status,
        phase=run.phase,
        regions=list(run.regions or []),
        counts=RecalculationCounts(
            scanned=run.scanned,
            changed=run.changed,
            unchanged=run.unchanged,
            engine_path=run.engine_path,
        ),
        arrears_total=str(run.arrears_total),
        overpayment_total=str(run.overpayment_total),
        attempts=run.attempts,
        error=run.error,
        created_at=run.created_at.isoformat(),
        started_at=run.started_at.isoformat() if run.started_at else None,
        finished_at=run.finished_at.isoformat() if run.finished_at else None,
        duration_ms=run.duration_ms,
    )


async def read_run(uow: UnitOfWork, *, run_id: str) -> RecalculationRead:
    return to_read(await RecalculationRunRepository(uow.session).get(run_id))


async def list_runs(
    uow: UnitOfWork, *, status: str | None = None, limit: int = 50
) -> list[RecalculationRead]:
    runs = await RecalculationRunRepository(uow.session).list_runs(status=status, limit=limit)
    return [to_read(r) for r in runs]


async def request_run(
    uow: UnitOfWork, *, region_code: str, effective_month: str, cause: str | None
) -> RecalculationRead:
    """A manual run (e.g. after correcting household data); the worker's job executes it."""
    if get_region(region_code) is None:
        raise RuleViolation(f"Unknown region code {region_code}.", code="unknown_region")
    run = await RecalculationRunRepository(uow.session).add_manual(
        id=uuid7(),
        region_code=region_code,
        effective_month=effective_month,
        cause=cause or f"manual recalculation of {region_code} from {effective_month}",
    )
    return to_read(run)
