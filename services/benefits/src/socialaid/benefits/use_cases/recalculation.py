"""Batch recalculation of active dibao entitlements after a parameter change (R-CA-01).

A run is a row of ``recalculation_run``: created ``pending`` for every recorded version of a
dibao parameter (discovered by the worker's job, so ``POST /v1/parameters`` stays short) or on
request (``POST /v1/recalculations``). The job takes the oldest open run under an advisory lock
and recalculates, in ONE transaction, every active entitlement of the run's region and its
descendants (writers of entitlements wait meanwhile): one fixed-width binary COPY of the
entitlements joined with their household facts, the vectorised rules (``domain/recalc.py``), a COPY of the changed amounts into a temporary table, one
``UPDATE … FROM`` and the ``entitlement.changed`` events through the bulk outbox writer. Only
households whose amount changed get an event, with the arrears or overpayment for the months
already paid from the effective month on. Progress (phase, scanned) is committed on the side; a
crash rolls the work back and the run, still open, is taken again.
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
from sqlalchemy import RowMapping, func, select, update

from socialaid.benefits.db import recalculation_run
from socialaid.benefits.domain import engine, first_day
from socialaid.benefits.domain.recalc import GroupParams, compute, group_params
from socialaid.benefits.recalc_store import (
    discover_parameter_runs,
    engine_inputs,
    raw_connection,
    read_batch,
    try_run_lock,
    write_changes,
)
from socialaid.benefits.use_cases.canonical import household_from_json
from socialaid.benefits.use_cases.parameters import SOURCE, effective_parameters
from socialaid.core.errors import NotFound, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.regions import get_region, lineage
from socialaid.core.settings import ServiceSettings
from socialaid.db import Database, UnitOfWork

log = logging.getLogger("socialaid.benefits.recalculation")
MAX_ATTEMPTS = 3
POLL_SECONDS = 1.0
R = recalculation_run
LAST_TIMINGS: dict[str, float] = {}  # phase → seconds of the last run in this process (bench, logs)


def dibao_keys() -> tuple[str, ...]:
    return engine.keys_for("dibao")


def month_index(ym: str) -> int:
    return int(ym[:4]) * 12 + int(ym[5:7]) - 1


def month_text(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def stored_household(data: dict[str, Any]) -> Any:
    return household_from_json(data.get("household", data))


# ---------------------------------------------------------------- runs as the API shows them
def to_read(row: RowMapping) -> dict[str, Any]:
    return {
        "recalculation_id": str(row["id"]),
        "trigger": row["trigger"],
        "parameter_id": str(row["parameter_id"]) if row["parameter_id"] else None,
        "region_code": row["region_code"],
        "effective_month": row["effective_month"],
        "cause": row["cause"],
        "status": row["status"],
        "phase": row["phase"],
        "regions": list(row["regions"] or []),
        "counts": {
            "scanned": row["scanned"],
            "changed": row["changed"],
            "unchanged": row["unchanged"],
            "engine_path": row["engine_path"],
        },
        "arrears_total": str(row["arrears_total"]),
        "overpayment_total": str(row["overpayment_total"]),
        "attempts": row["attempts"],
        "error": row["error"],
        "created_at": row["created_at"].isoformat(),
        "started_at": row["started_at"].isoformat() if row["started_at"] else None,
        "finished_at": row["finished_at"].isoformat() if row["finished_at"] else None,
        "duration_ms": row["duration_ms"],
    }


async def _get(uow: UnitOfWork, run_id: str | uuid.UUID) -> RowMapping:
    try:
        rid = run_id if isinstance(run_id, uuid.UUID) else uuid.UUID(run_id)
    except ValueError as exc:
        raise NotFound(f"No recalculation {run_id}.") from exc
    row = (await uow.session.execute(select(R).where(R.c.id == rid))).mappings().first()
    if row is None:
        raise NotFound(f"No recalculation {run_id}.")
    return row


async def read_run(uow: UnitOfWork, *, run_id: str) -> dict[str, Any]:
    return to_read(await _get(uow, run_id))


async def list_runs(
    uow: UnitOfWork, *, status: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    q = select(R).order_by(R.c.created_at.desc(), R.c.id.desc()).limit(limit)
    if status is not None:
        q = q.where(R.c.status == status)
    return [to_read(r) for r in (await uow.session.execute(q)).mappings().all()]


async def request_run(
    uow: UnitOfWork, *, region_code: str, effective_month: str, cause: str | None
) -> dict[str, Any]:
    """A manual run (e.g. after correcting household data); the worker's job executes it."""
    if get_region(region_code) is None:
        raise RuleViolation(f"Unknown region code {region_code}.", code="unknown_region")
    row = (
        (
            await uow.session.execute(
                R.insert()
                .values(
                    id=uuid7(),
                    trigger="manual",
                    region_code=region_code,
                    effective_month=effective_month,
                    cause=cause or f"manual recalculation of {region_code} from {effective_month}",
                    status="pending",
                )
                .returning(R)
            )
        )
        .mappings()
        .one()
    )
    return to_read(row)


# ---------------------------------------------------------------- executing a run
async def _progress(db: Database, run_id: uuid.UUID, **values: Any) -> None:
    async with db.uow() as uow:
        await uow.session.execute(update(R).where(R.c.id == run_id).values(**values))
        await uow.commit()


async def discover(db: Database) -> int:
    async with db.uow() as uow:
        n = await discover_parameter_runs(uow.session, dibao_keys())
        await uow.commit()
    return n


async def run_next(db: Database, *, known_at: dt.datetime | None = None) -> dict[str, Any] | None:
    """Execute the oldest open run, if any (and no other run is executing). Returns it."""
    async with db.uow() as uow:
        if not await try_run_lock(uow.session):
            return None
        run = (
            (
                await uow.session.execute(
                    select(R)
                    .where(R.c.status.in_(("pending", "running")))
                    .order_by(R.c.created_at, R.c.id)
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        if run is None:
            return None
        await _progress(
            db,
            run["id"],
            status="running",
            phase="reading",
            attempts=run["attempts"] + 1,
            started_at=func.now(),
            error=None,
        )
        try:
            await _recalculate(uow, db, run, known_at or dt.datetime.now(dt.UTC))
            await uow.commit()
        except Exception as exc:
            log.exception("recalculation %s failed", run["id"])
            await uow.rollback()
            failed = run["attempts"] + 1 >= MAX_ATTEMPTS
            await _progress(
                db,
                run["id"],
                status="failed" if failed else "pending",
                phase=None,
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
    async with db.uow() as uow:
        return to_read(await _get(uow, run["id"]))


async def _group_params(
    uow: UnitOfWork, pairs: list[tuple[str, int]], known_at: dt.datetime
) -> tuple[list[GroupParams | None], list[dict[str, Any]]]:
    gps: list[GroupParams | None] = []
    sets: list[dict[str, Any]] = []
    for region, m in pairs:
        month = month_text(m)
        params = await effective_parameters(
            uow, region_code=region, as_of=first_day(month), known_at=known_at, keys=dibao_keys()
        )
        sets.append(params)
        gps.append(group_params(params, month))
    return gps, sets


async def _recalculate(
    uow: UnitOfWork, db: Database, run: RowMapping, known_at: dt.datetime
) -> None:
    t0 = time.perf_counter()
    LAST_TIMINGS.clear()

    def lap(phase: str, since: list[float] = [t0]) -> None:  # noqa: B006 (a stopwatch)
        now = time.perf_counter()
        LAST_TIMINGS[phase] = round(now - since[0], 3)
        since[0] = now

    conn = await raw_connection(uow.session)
    # Writers of entitlements (case.approved, payment.settled) wait until this run commits, so no
    # amount is computed from facts that change underneath it and none of their writes is lost.
    await conn.execute("LOCK TABLE active_entitlement, entitlement_facts IN SHARE MODE")
    present = [
        r["region_code"]
        for r in await conn.fetch(
            "SELECT DISTINCT region_code FROM active_entitlement "
            "WHERE status = 'active' AND programme = 'dibao'"
        )
    ]
    regions = sorted(r for r in present if run["region_code"] in lineage(r))
    # A second server process reads half of the rows (the lock above keeps both reads equal to
    # what this transaction sees).
    async with db.engine.connect() as helper:
        raw = (await helper.get_raw_connection()).driver_connection
        async with raw.transaction(readonly=True):
            rows, batch = await read_batch(conn, regions, raw)
    lap("read")
    scanned = len(rows["id"])
    await _progress(db, run["id"], phase="computing", scanned=scanned, regions=regions)
    eff = np.maximum(month_index(run["effective_month"]), rows["start_m"])
    keys, inverse = np.unique(rows["region"] * 1_000_000 + eff, return_inverse=True)
    pairs = [(regions[int(k) // 1_000_000], int(k) % 1_000_000) for k in keys]
    gps, param_sets = await _group_params(uow, pairs, known_at)
    batch.group = inverse.astype(np.int64).reshape(-1)
    lap("parameters")
    new_fen, ok = compute(batch, gps)
    engine_idx = np.nonzero(rows["engine_only"])[0]
    if len(engine_idx):
        inputs = await engine_inputs(conn, [int(i) for i in rows["id"][engine_idx]])
        for i in engine_idx:
            g = int(batch.group[i])
            data = inputs.get(int(rows["id"][i]))
            new_fen[i], ok[i] = _engine_amount(data, pairs[g], param_sets[g])
    changed = ok & (new_fen != rows["amount_fen"])
    idx = np.nonzero(changed)[0]
    paid = np.where(rows["paid_m"] >= 0, np.maximum(rows["paid_m"] - eff + 1, 0), 0)
    delta = (new_fen - rows["amount_fen"]) * paid
    arrears = int(delta[idx][delta[idx] > 0].sum())
    overpaid = int(-delta[idx][delta[idx] < 0].sum())
    lap("compute")
    await _progress(db, run["id"], phase="writing")
    await write_changes(
        conn,
        run_id=run["id"],
        cause=run["cause"],
        source=SOURCE,
        changed_at=dt.datetime.now(dt.UTC),
        regions=regions,
        region_of=rows["region"][idx],
        ids=rows["id"][idx],
        new_fen=new_fen[idx],
        prev_fen=rows["amount_fen"][idx],
        eff_m=eff[idx],
        paid_months=paid[idx],
        timings=LAST_TIMINGS,
    )
    lap("write")
    log.info("recalculation %s timings %s", run["id"], LAST_TIMINGS)
    skipped = int((~ok).sum())
    await uow.session.execute(
        update(R)
        .where(R.c.id == run["id"])
        .values(
            status="completed",
            phase=None,
            regions=regions,
            scanned=scanned,
            changed=len(idx),
            unchanged=scanned - len(idx),
            engine_path=len(engine_idx),
            arrears_total=Decimal(arrears) / 100,
            overpayment_total=Decimal(overpaid) / 100,
            error=f"{skipped} entitlement(s) not recalculated: parameters or facts missing"
            if skipped
            else None,
            finished_at=func.now(),
            duration_ms=int((time.perf_counter() - t0) * 1000),
        )
    )


def _engine_amount(
    data: dict[str, Any] | None, pair: tuple[str, int], params: dict[str, Any]
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
