"""Executing batch recalculations of active dibao entitlements (R-CA-01).

A run is a row of ``recalculation_run``: created ``pending`` for every recorded version of a
dibao parameter (discovered by the worker's job, so ``POST /v1/parameters`` stays short) or on
request (``POST /v1/recalculations``). The job takes the oldest open run under an advisory lock
and recalculates, in ONE transaction, every active entitlement of the run's region and its
descendants (writers of entitlements wait meanwhile): one fixed-width binary COPY of the
entitlements joined with their household facts, the vectorised rules (``domain/recalc.py``), a
COPY of the changed amounts into a temporary table, one ``UPDATE … FROM`` and the
``entitlement.changed`` events through the bulk outbox writer. Only households whose amount
changed get an event, with the arrears or overpayment for the months already paid from the
effective month on. Progress (phase, scanned) is committed on the side; a crash rolls the work
back and the run, still open, is taken again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
import uuid
from decimal import Decimal
from typing import Any

import numpy as np

from socialaid.benefits.domain import engine, first_day
from socialaid.benefits.domain.parameters import ParameterUsed
from socialaid.benefits.domain.recalc import GroupParams, compute, group_params
from socialaid.benefits.recalculation.store import (
    active_regions,
    engine_inputs,
    lock_entitlements,
    raw_connection,
    read_batch,
    reader_connection,
    write_changes,
)
from socialaid.benefits.repository.recalculation_runs import (
    RecalculationRun,
    RecalculationRunRepository,
)
from socialaid.benefits.schemas.recalculations import RecalculationRead
from socialaid.benefits.use_cases.canonical import stored_household
from socialaid.benefits.use_cases.parameters import SOURCE, effective_parameters
from socialaid.benefits.use_cases.recalculation import to_read
from socialaid.core.regions import lineage
from socialaid.core.settings import ServiceSettings
from socialaid.db import Database, UnitOfWork

log = logging.getLogger("socialaid.benefits.recalculation")
MAX_ATTEMPTS = 3
POLL_SECONDS = 1.0
LAST_TIMINGS: dict[str, float] = {}  # phase → seconds of the last run in this process (bench, logs)
ParameterSet = dict[str, ParameterUsed]


def dibao_keys() -> tuple[str, ...]:
    return engine.keys_for("dibao")


def month_index(ym: str) -> int:
    return int(ym[:4]) * 12 + int(ym[5:7]) - 1


def month_text(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


async def _on_the_side(db: Database, run_id: uuid.UUID, **progress: Any) -> None:
    """Progress committed beside the recalculation's own (long) transaction."""
    async with db.uow() as uow:
        await RecalculationRunRepository(uow.session).mark_phase(run_id, **progress)
        await uow.commit()


async def discover(db: Database) -> int:
    async with db.uow() as uow:
        n = await RecalculationRunRepository(uow.session).discover_parameter_runs(dibao_keys())
        await uow.commit()
    return n


async def run_next(
    db: Database, *, known_at: dt.datetime | None = None
) -> RecalculationRead | None:
    """Execute the oldest open run, if any (and no other run is executing). Returns it."""
    async with db.uow() as uow:
        runs = RecalculationRunRepository(uow.session)
        if not await runs.try_lock():
            return None
        run = await runs.next_open()
        if run is None:
            return None
        async with db.uow() as side:
            await RecalculationRunRepository(side.session).mark_started(
                run.id, attempts=run.attempts + 1
            )
            await side.commit()
        try:
            await _recalculate(uow, db, run, known_at or dt.datetime.now(dt.UTC))
            await uow.commit()
        except Exception as exc:
            log.exception("recalculation %s failed", run.id)
            await uow.rollback()
            async with db.uow() as side:
                await RecalculationRunRepository(side.session).mark_attempt_failed(
                    run.id,
                    final=run.attempts + 1 >= MAX_ATTEMPTS,
                    error=f"{type(exc).__name__}: {exc}"[:2000],
                )
                await side.commit()
    async with db.uow() as uow:
        return to_read(await RecalculationRunRepository(uow.session).get(run.id))


async def _group_params(
    uow: UnitOfWork, pairs: list[tuple[str, int]], known_at: dt.datetime
) -> tuple[list[GroupParams | None], list[ParameterSet]]:
    gps: list[GroupParams | None] = []
    sets: list[ParameterSet] = []
    for region, m in pairs:
        month = month_text(m)
        params = await effective_parameters(
            uow, region_code=region, as_of=first_day(month), known_at=known_at, keys=dibao_keys()
        )
        sets.append(params)
        gps.append(group_params(params, month))
    return gps, sets


async def _recalculate(
    uow: UnitOfWork, db: Database, run: RecalculationRun, known_at: dt.datetime
) -> None:
    t0 = time.perf_counter()
    LAST_TIMINGS.clear()

    def lap(phase: str, since: list[float] = [t0]) -> None:  # noqa: B006 (a stopwatch)
        now = time.perf_counter()
        LAST_TIMINGS[phase] = round(now - since[0], 3)
        since[0] = now

    conn = await raw_connection(uow.session)
    await lock_entitlements(conn)
    regions = sorted(r for r in await active_regions(conn) if run.region_code in lineage(r))
    # A second server process reads half of the rows (the lock above keeps both reads equal to
    # what this transaction sees).
    async with reader_connection(db) as helper:
        rows, batch = await read_batch(conn, regions, helper)
    lap("read")
    scanned = len(rows.id)
    await _on_the_side(db, run.id, phase="computing", scanned=scanned, regions=regions)
    eff = np.maximum(month_index(run.effective_month), rows.start_m)
    keys, inverse = np.unique(rows.region * 1_000_000 + eff, return_inverse=True)
    pairs = [(regions[int(k) // 1_000_000], int(k) % 1_000_000) for k in keys]
    gps, param_sets = await _group_params(uow, pairs, known_at)
    batch.group = inverse.astype(np.int64).reshape(-1)
    lap("parameters")
    new_fen, ok = compute(batch, gps)
    engine_idx = np.nonzero(rows.engine_only)[0]
    if len(engine_idx):
        inputs = await engine_inputs(conn, [int(i) for i in rows.id[engine_idx]])
        for i in engine_idx:
            g = int(batch.group[i])
            data = inputs.get(int(rows.id[i]))
            new_fen[i], ok[i] = _engine_amount(data, pairs[g], param_sets[g])
    changed = ok & (new_fen != rows.amount_fen)
    idx = np.nonzero(changed)[0]
    paid = np.where(rows.paid_m >= 0, np.maximum(rows.paid_m - eff + 1, 0), 0)
    delta = (new_fen - rows.amount_fen) * paid
    arrears = int(delta[idx][delta[idx] > 0].sum())
    overpaid = int(-delta[idx][delta[idx] < 0].sum())
    lap("compute")
    await _on_the_side(db, run.id, phase="writing")
    await write_changes(
        conn,
        run_id=run.id,
        cause=run.cause,
        source=SOURCE,
        changed_at=dt.datetime.now(dt.UTC),
        regions=regions,
        region_of=rows.region[idx],
        ids=rows.id[idx],
        new_fen=new_fen[idx],
        prev_fen=rows.amount_fen[idx],
        eff_m=eff[idx],
        paid_months=paid[idx],
        timings=LAST_TIMINGS,
    )
    lap("write")
    log.info("recalculation %s timings %s", run.id, LAST_TIMINGS)
    skipped = int((~ok).sum())
    await RecalculationRunRepository(uow.session).mark_completed(
        run.id,
        regions=regions,
        scanned=scanned,
        changed=len(idx),
        engine_path=len(engine_idx),
        arrears_total=Decimal(arrears) / 100,
        overpayment_total=Decimal(overpaid) / 100,
        error=f"{skipped} entitlement(s) not recalculated: parameters or facts missing"
        if skipped
        else None,
        duration_ms=int((time.perf_counter() - t0) * 1000),
    )


def _engine_amount(
    data: dict[str, Any] | None, pair: tuple[str, int], params: ParameterSet
) -> tuple[int, bool]:
    """One household the vectorised path does not model, assessed by the rules engine."""
    if data is None:
        return 0, False
    try:
        household = stored_household(data)
        household = dataclasses.replace(
            household, region_code=pair[0], benefit_month=month_text(pair[1])
        )
        result = engine.assess("dibao", household, params)
    except Exception:  # missing parameters or facts: leave the amount as it is
        log.warning("engine recalculation failed", exc_info=True)
        return 0, False
    return int(result.amount * 100), True


async def recalculation_job(settings: ServiceSettings, db: Database, stop: asyncio.Event) -> None:
    """Worker background job: discover runs for new parameter versions and execute open runs."""
    while not stop.is_set():
        ran = None
        try:
            await discover(db)
            ran = await run_next(db)
        except Exception:
            log.exception("recalculation job iteration failed")
        if ran is None:
            try:
                await asyncio.wait_for(stop.wait(), timeout=POLL_SECONDS)
            except TimeoutError:
                pass
