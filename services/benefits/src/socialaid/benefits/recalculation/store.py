"""Bulk reads and writes of a recalculation (R-CA-01). Never commits.

Reads use ``COPY (SELECT …) TO STDOUT (FORMAT binary)`` with fixed-width columns only, parsed by
``numpy.frombuffer`` with a structured dtype (no Python object per row). Writes go the other way:
results are encoded as a binary COPY buffer from numpy, copied into a temporary table, and applied
to the narrow ``active_entitlement`` rows with one ``UPDATE … FROM``; the ``entitlement.changed``
events go to the outbox through the event library's bulk writer, in the same transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.domain.recalc import CATEGORIES, Batch
from socialaid.benefits.domain.recalc_inputs import SLOTS
from socialaid.benefits.recalculation.events import entitlement_changed_payloads
from socialaid.contracts.events import EntitlementChanged
from socialaid.core.ids import uuid7_block
from socialaid.db import Database
from socialaid.db.pgcopy import HEADER, TRAILER
from socialaid.events.outbox import copy_events

_PG = {"int8": ">i8", "int4": ">i4", "int2": ">i2", "bool": "?"}

_MONTH_SQL = "to_char(make_date(({m} / 12)::int, ({m} % 12 + 1)::int, 1), 'YYYY-MM')"
_MONTH_IDX = "(left({c}, 4)::int * 12 + right({c}, 2)::int - 1)"


@dataclass(frozen=True, slots=True)
class EntitlementColumns:
    """The entitlements of a run as columns (row ``i`` of each array is one entitlement); the
    household facts of the same rows are the :class:`Batch`."""

    id: np.ndarray  # int64: active_entitlement.id
    region: np.ndarray  # int64: index into the run's list of regions
    start_m: np.ndarray  # int64 month index (year * 12 + month - 1) of start_month
    paid_m: np.ndarray  # int64 month index of last_paid_month, -1 = none paid
    amount_fen: np.ndarray  # int64: the monthly amount now, in fen
    engine_only: np.ndarray  # bool: assessed one by one by the rules engine


async def raw_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session's transaction (for COPY)."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    return driver


@asynccontextmanager
async def reader_connection(db: Database) -> AsyncIterator[asyncpg.Connection]:
    """A second server process, in a read-only transaction, to read half of a batch."""
    async with db.engine.connect() as helper:
        raw: asyncpg.Connection = (await helper.get_raw_connection()).driver_connection
        async with raw.transaction(readonly=True):
            yield raw


async def lock_entitlements(conn: asyncpg.Connection) -> None:
    """Writers of entitlements (case.approved, payment.settled) wait until the caller's
    transaction ends, so no amount is computed from facts that change underneath it and none of
    their writes is lost."""
    await conn.execute("LOCK TABLE active_entitlement, entitlement_facts IN SHARE MODE")


async def active_regions(conn: asyncpg.Connection) -> list[str]:
    """The regions that have an active dibao entitlement."""
    return [
        r["region_code"]
        for r in await conn.fetch(
            "SELECT DISTINCT region_code FROM active_entitlement "
            "WHERE status = 'active' AND programme = 'dibao'"
        )
    ]


async def copy_fixed(
    conn: asyncpg.Connection, query: str, fields: Sequence[tuple[str, str]], *args: Any
) -> dict[str, np.ndarray]:
    """Run a fixed-width ``SELECT`` as a binary COPY and return one int64/bool array per field."""
    buf = bytearray()

    async def sink(chunk: bytes) -> None:
        buf.extend(chunk)

    await conn.copy_from_query(query, *args, output=sink, format="binary")
    parts: list[tuple[str, str]] = [("_n", ">i2")]
    for i, (name, pg) in enumerate(fields):
        parts += [(f"_l{i}", ">i4"), (name, _PG[pg])]
    dtype = np.dtype(parts)
    body = len(buf) - len(HEADER) - len(TRAILER)
    if body < 0 or body % dtype.itemsize:
        raise RuntimeError("unexpected COPY layout (a NULL or a variable-width column?)")
    rows = np.frombuffer(buf, dtype=dtype, count=body // dtype.itemsize, offset=len(HEADER))
    return {name: rows[name].astype(bool if pg == "bool" else np.int64) for name, pg in fields}


def binary_copy(columns: Sequence[np.ndarray]) -> bytes:
    """A binary COPY buffer of int8 columns (for ``copy_to_table``)."""
    n = len(columns[0]) if columns else 0
    parts: list[tuple[str, str]] = [("_n", ">i2")]
    for i in range(len(columns)):
        parts += [(f"_l{i}", ">i4"), (f"c{i}", ">i8")]
    rows = np.zeros(n, dtype=np.dtype(parts))
    rows["_n"] = len(columns)
    for i, col in enumerate(columns):
        rows[f"_l{i}"] = 8
        rows[f"c{i}"] = col
    return HEADER + rows.tobytes() + TRAILER


_WHERE = "status = 'active' AND programme = 'dibao' AND region_code = ANY($1::text[])"


_NONE = -(10**9)  # stands for NULL in a fixed-width COPY column


def _days_to_ymd(days: np.ndarray) -> np.ndarray:
    """Days since 2000-01-01 → yyyymmdd integers (vectorised)."""
    d = np.datetime64("2000-01-01") + days.astype("timedelta64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    ymd: np.ndarray = year * 10000 + month * 100 + day
    return ymd


def _slots(head: dict[str, np.ndarray], names: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Slot columns → (household position, values…) of the present slots, slot by slot."""
    hh = [np.nonzero(head[f"{names[0]}{i}"] != _NONE)[0] for i in range(1, 10)
          if f"{names[0]}{i}" in head]  # fmt: skip
    out_hh = np.concatenate(hh) if hh else np.zeros(0, dtype=np.int64)
    values = []
    for name in names:
        cols = [head[f"{name}{i + 1}"][idx] for i, idx in enumerate(hh)]
        values.append(np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64))
    return out_hh, values


async def read_batch(
    conn: asyncpg.Connection, regions: list[str], *more: asyncpg.Connection
) -> tuple[EntitlementColumns, Batch]:
    """Every active dibao entitlement of ``regions`` with fixed-width binary COPY: the row facts
    and the household batch. With ``more`` connections, each reads one id range at the same time
    (on separate server processes); the caller makes sure they all see the same rows (the
    recalculation holds a SHARE lock on the tables, so no writer commits in between)."""
    fields: list[tuple[str, str, str]] = [  # (name, pg type, select expression)
        ("id", "int8", "id"),
        ("region", "int4", "array_position($1::text[], region_code::text)::int4 - 1"),
        ("start_m", "int4", f"{_MONTH_IDX.format(c='start_month')}::int4"),
        ("paid_m", "int4", f"coalesce({_MONTH_IDX.format(c='last_paid_month')}, -1)::int4"),
        ("amount_fen", "int8", "round(monthly_amount * 100)::int8"),
        ("engine_only", "bool", "engine_only"),
        ("members", "int4", "members::int4"),
        *[(f"c{i}", "int8", f"inc_{c}") for i, c in enumerate(CATEGORIES)],
        ("support_paid", "int8", "support_paid"),
        ("rigid_medical", "int8", "rigid_medical"),
        ("financial", "int8", "financial_assets"),
        ("vehicles_counted", "int4", "vehicles_counted::int4"),
        ("residential", "int4", "residential_properties::int4"),
        ("non_residential", "int4", "non_residential_properties::int4"),
        ("business", "bool", "business_barrier"),
        ("waiver_from", "int4", f"coalesce(waiver_from - DATE '2000-01-01', {_NONE})::int4"),
        ("addon_bits", "int4", "addon_bits::int4"),
    ]
    for i in range(1, SLOTS["member"] + 1):
        fields.append((f"birth{i}", "int4", f"coalesce(birth_{i} - DATE '2000-01-01', {_NONE})"))
    for i in range(1, SLOTS["earning"] + 1):
        fields.append((f"earn{i}", "int8", f"coalesce(earn_{i}, {_NONE})"))
    for i in range(1, SLOTS["vehicle"] + 1):
        fields.append((f"veh{i}", "int8", f"coalesce(vehicle_value_{i}, {_NONE})"))
    for i in range(1, SLOTS["obligor"] + 1):
        fields += [
            (f"oinc{i}", "int8", f"coalesce(obligor_income_{i}, {_NONE})"),
            (f"ochild{i}", "int4", f"coalesce(obligor_children_{i}, 0)::int4"),
            (f"osplit{i}", "int4", f"coalesce(obligor_split_{i}, 1)::int4"),
            (f"owaived{i}", "bool", f"coalesce(obligor_waived_{i}, false)"),
        ]
    select = ", ".join(expr for _, _, expr in fields)
    query = (
        f"SELECT {select} FROM active_entitlement JOIN entitlement_facts ON entitlement_id = id "
        f"WHERE {_WHERE} AND id >= $2 AND id < $3"
    )
    spec = [(n, t) for n, t, _ in fields]
    conns = [conn, *more]
    low, high = await conn.fetchrow("SELECT min(id), max(id) + 1 FROM active_entitlement")
    low, high = low or 0, high or 0
    cuts = [low + (high - low) * k // len(conns) for k in range(len(conns) + 1)]
    parts = await asyncio.gather(
        *(copy_fixed(c, query, spec, regions, cuts[k], cuts[k + 1]) for k, c in enumerate(conns))
    )
    head = {name: np.concatenate([p[name] for p in parts]) for name, _ in spec}
    n = len(head["id"])
    m_hh, (birth,) = _slots(head, ["birth"])
    slot_of = np.concatenate(
        [np.full(np.count_nonzero(head[f"birth{i}"] != _NONE), i - 1)
         for i in range(1, SLOTS["member"] + 1)]
    )  # fmt: skip
    e_hh, (earn,) = _slots(head, ["earn"])
    v_hh, (veh,) = _slots(head, ["veh"])
    o_hh, (oinc, ochild, osplit, owaived) = _slots(head, ["oinc", "ochild", "osplit", "owaived"])
    batch = Batch(
        group=np.zeros(n, dtype=np.int64),  # set by the caller
        members=head["members"],
        income_cat=np.stack([head[f"c{i}"] for i in range(len(CATEGORIES))], axis=1)
        if n
        else np.zeros((0, len(CATEGORIES)), dtype=np.int64),
        support_paid=head["support_paid"],
        rigid_medical=head["rigid_medical"],
        financial=head["financial"],
        vehicles_counted=head["vehicles_counted"],
        residential=head["residential"],
        non_residential=head["non_residential"],
        business=head["business"],
        waiver_from=np.where(
            head["waiver_from"] == _NONE, 99999999, _days_to_ymd(head["waiver_from"])
        ),
        m_hh=m_hh,
        m_birth=_days_to_ymd(birth),
        m_addon=(head["addon_bits"][m_hh] >> (2 * slot_of)) & 3,
        e_hh=e_hh,
        e_val=earn,
        v_hh=v_hh,
        v_val=veh,
        o_hh=o_hh,
        o_income=oinc,
        o_children=ochild,
        o_split=osplit,
        o_waived=owaived.astype(bool),
    )
    rows = EntitlementColumns(
        id=head["id"],
        region=head["region"],
        start_m=head["start_m"],
        paid_m=head["paid_m"],
        amount_fen=head["amount_fen"],
        engine_only=head["engine_only"],
    )
    return rows, batch


async def engine_inputs(conn: asyncpg.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored household input of the engine-only entitlements (by entitlement id)."""
    rows = await conn.fetch(
        "SELECT e.id, a.input FROM active_entitlement e JOIN assessment a ON a.id = e.assessment_id "
        "WHERE e.id = ANY($1::int8[])",
        ids,
    )
    out = {}
    for r in rows:
        value = r["input"]
        out[int(r["id"])] = json.loads(value) if isinstance(value, str) else value
    return out


async def read_case_ids(conn: asyncpg.Connection, n: int) -> list[str]:
    """The case id of every row of ``recalc_result``, by its ``ord`` (one text COPY)."""
    buf = bytearray()

    async def sink(chunk: bytes) -> None:
        buf.extend(chunk)

    await conn.copy_from_query(
        "SELECT r.ord, e.case_id FROM recalc_result r JOIN active_entitlement e ON e.id = r.id",
        output=sink,
    )
    text_ = buf.decode()
    if "\\" in text_:  # COPY's text format escapes tabs, newlines and backslashes this way
        raise RuntimeError("a case id holds a backslash or a control character")
    case_ids = [""] * n
    for line in text_.splitlines():
        ord_, case_id = line.split("\t")
        case_ids[int(ord_)] = case_id
    if any(not c for c in case_ids):
        raise RuntimeError("an entitlement of the run disappeared while it was recalculated")
    return case_ids


async def write_changes(
    conn: asyncpg.Connection,
    *,
    run_id: uuid.UUID,
    cause: str,
    source: str,
    changed_at: dt.datetime,
    regions: list[str],
    region_of: np.ndarray,
    ids: np.ndarray,
    new_fen: np.ndarray,
    prev_fen: np.ndarray,
    eff_m: np.ndarray,
    paid_months: np.ndarray,
    timings: dict[str, float] | None = None,
) -> int:
    """Apply the new amounts and queue one ``entitlement.changed`` per changed household.

    The amounts go in with one ``UPDATE … FROM`` a binary-COPYed temporary table; the events
    then go to the outbox through the library's bulk writer (per-subject sequences, binary COPY),
    their JSON formatted chunk by chunk while the server copies the previous chunk.
    """
    timings = {} if timings is None else timings
    n = len(ids)
    if not n:
        return 0
    t = time.perf_counter()
    await conn.execute(
        "CREATE TEMP TABLE recalc_result (ord int8, id int8, new_fen int8, eff_m int8) "
        "ON COMMIT DROP"
    )
    buf = binary_copy([np.arange(n, dtype=np.int64), ids, new_fen, eff_m])
    await conn.copy_to_table("recalc_result", source=io.BytesIO(buf), format="binary")
    case_ids = await read_case_ids(conn, n)
    timings["write_stage"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    # Each distinct amount and month is converted once; the UPDATE only copies values in.
    await conn.execute(
        "SET LOCAL work_mem = '256MB';"  # the join's hash table stays in memory: one pass
        "CREATE TEMP TABLE recalc_value ON COMMIT DROP AS "
        "SELECT DISTINCT new_fen, (new_fen::numeric / 100)::numeric(14, 2) AS amount "
        "FROM recalc_result;"
        "CREATE TEMP TABLE recalc_month ON COMMIT DROP AS "
        f"SELECT DISTINCT eff_m, {_MONTH_SQL.format(m='eff_m')} AS month FROM recalc_result;"
        "ANALYZE recalc_result, recalc_value, recalc_month"
    )
    status = await conn.execute(
        """UPDATE active_entitlement e
           SET monthly_amount = v.amount, amount_from_month = m.month,
               last_recalculation_id = $1, updated_at = now()
           FROM recalc_result r
           JOIN recalc_value v ON v.new_fen = r.new_fen
           JOIN recalc_month m ON m.eff_m = r.eff_m
           WHERE e.id = r.id""",
        run_id,
    )
    if int(status.split()[-1]) != n:
        raise RuntimeError(f"updated {status} for {n} changed entitlements")
    timings["write_update"] = round(time.perf_counter() - t, 3)
    change_ids = uuid7_block(n)
    changed_text = changed_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

    def payloads(lo: int, hi: int) -> list[bytes]:
        """The events' JSON of rows lo … hi-1, formatted while the server copies the previous
        chunk into the outbox."""
        return entitlement_changed_payloads(
            change_ids=change_ids[lo:hi],
            case_ids=case_ids[lo:hi],
            programme="dibao",
            region_codes=regions,
            region_of=region_of[lo:hi],
            eff_m=eff_m[lo:hi],
            prev_fen=prev_fen[lo:hi],
            new_fen=new_fen[lo:hi],
            paid_months=paid_months[lo:hi],
            cause=cause,
            recalculation_id=str(run_id),
            changed_at=changed_text,
        )

    t = time.perf_counter()
    queued = await copy_events(
        conn,
        EntitlementChanged,
        source=source,
        subjects=case_ids,
        payloads=payloads,
        time=changed_at,
        timings=timings,
    )
    timings["write_outbox"] = round(time.perf_counter() - t, 3)
    return queued
