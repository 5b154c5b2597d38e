"""Bulk reads and writes of a recalculation (R-CA-01). Never commits.

Reads use ``COPY (SELECT …) TO STDOUT (FORMAT binary)`` with fixed-width columns only, parsed by
``numpy.frombuffer`` with a structured dtype (no Python object per row). Writes go the other way:
results are encoded as a binary COPY buffer from numpy, copied into a temporary table, and applied
with one ``UPDATE … FROM``; the ``entitlement.changed`` outbox rows (with their per-subject
sequence) are built by one ``INSERT … SELECT`` in the same transaction.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import numpy as np
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.domain.recalc import CATEGORIES, Batch
from socialaid.benefits.domain.recalc_inputs import SLOTS
from socialaid.contracts.events import EntitlementChanged
from socialaid.events.outbox import add_events_from_query

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = _SIGNATURE + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_PG = {"int8": ">i8", "int4": ">i4", "int2": ">i2", "bool": "?"}

# A uuid v7 in SQL (PostgreSQL 15 has no uuidv7()): 48-bit ms timestamp over a random v4.
UUID7_SQL = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) "
    "FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"
)
_MONTH_SQL = "to_char(make_date(({m} / 12)::int, ({m} % 12 + 1)::int, 1), 'YYYY-MM')"
_MONTH_IDX = "(left({c}, 4)::int * 12 + right({c}, 2)::int - 1)"


async def raw_connection(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session's transaction (for COPY)."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    return raw.driver_connection  # type: ignore[return-value]


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
    body = len(buf) - len(_HEADER) - 2
    if body < 0 or body % dtype.itemsize:
        raise RuntimeError("unexpected COPY layout (a NULL or a variable-width column?)")
    rows = np.frombuffer(buf, dtype=dtype, count=body // dtype.itemsize, offset=len(_HEADER))
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
    return _HEADER + rows.tobytes() + b"\xff\xff"


_WHERE = "status = 'active' AND programme = 'dibao' AND region_code = ANY($1::text[])"


_NONE = -(10**9)  # stands for NULL in a fixed-width COPY column


def _days_to_ymd(days: np.ndarray) -> np.ndarray:
    """Days since 2000-01-01 → yyyymmdd integers (vectorised)."""
    d = np.datetime64("2000-01-01") + days.astype("timedelta64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year * 10000 + month * 100 + day


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
    conn: asyncpg.Connection, regions: list[str]
) -> tuple[dict[str, np.ndarray], Batch]:
    """Every active dibao entitlement of ``regions`` with ONE fixed-width binary COPY: the row
    facts and the household batch."""
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
    head = await copy_fixed(
        conn,
        f"SELECT {select} FROM active_entitlement WHERE {_WHERE}",
        [(n, t) for n, t, _ in fields],
        regions,
    )
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
    rows = {k: head[k] for k in ("id", "region", "start_m", "paid_m", "amount_fen", "engine_only")}
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


async def write_changes(
    conn: asyncpg.Connection,
    *,
    run_id: uuid.UUID,
    cause: str,
    source: str,
    changed_at: str,
    ids: np.ndarray,
    new_fen: np.ndarray,
    prev_fen: np.ndarray,
    eff_m: np.ndarray,
    paid_months: np.ndarray,
    timings: dict[str, float] | None = None,
) -> int:
    """Apply the new amounts and queue one ``entitlement.changed`` per changed household."""
    timings = {} if timings is None else timings
    if not len(ids):
        return 0
    await conn.execute(
        "CREATE TEMP TABLE recalc_result (id int8, new_fen int8, prev_fen int8, eff_m int8, "
        "paid int8) ON COMMIT DROP"
    )
    buf = binary_copy([ids, new_fen, prev_fen, eff_m, paid_months])
    await conn.copy_to_table("recalc_result", source=io.BytesIO(buf), format="binary")
    t_out = time.perf_counter()
    money = "(({x})::numeric / 100)::numeric(14, 2)::text"
    delta = "(d.new_fen - d.prev_fen) * d.paid"
    # Event and change ids derive from (run, entitlement): deterministic, and cheaper than random.
    # The library's set-based writer adds the headers and per-subject sequences add_event would.
    inserted = await add_events_from_query(
        conn,
        rows_sql=f"""
        WITH months AS MATERIALIZED (
            SELECT eff_m, paid, coalesce(
                (SELECT json_agg({_MONTH_SQL.format(m="m")} ORDER BY m)
                 FROM generate_series(eff_m, eff_m + paid - 1) AS m), '[]'::json) AS list
            FROM (SELECT DISTINCT eff_m, paid FROM recalc_result) AS x
        ), d AS MATERIALIZED (
            SELECT r.*, e.case_id, e.programme, e.region_code, m.list,
                   md5($3::text || ':e:' || r.id::text)::uuid AS event_id,
                   md5($3::text || ':c:' || r.id::text)::uuid AS change_id
            FROM recalc_result r JOIN active_entitlement e ON e.id = r.id
            JOIN months m ON m.eff_m = r.eff_m AND m.paid = r.paid
        )
        SELECT d.event_id, d.case_id AS subject, d.id AS ord,
               json_build_object(
                   'change_id', d.change_id::text, 'case_id', d.case_id,
                   'programme', d.programme, 'region_code', d.region_code,
                   'effective_month', {_MONTH_SQL.format(m="d.eff_m")},
                   'previous_amount', {money.format(x="d.prev_fen")},
                   'new_amount', {money.format(x="d.new_fen")},
                   'months_already_paid', d.list,
                   'arrears', {money.format(x=f"greatest({delta}, 0)")},
                   'overpayment', {money.format(x=f"greatest(-({delta}), 0)")},
                   'cause', $2::text, 'recalculation_id', $3::text, 'changed_at', $1::text
               ) AS data
        FROM d
        """,
        args=[changed_at, cause, str(run_id)],
        topic=EntitlementChanged.TOPIC,
        event_type=EntitlementChanged.TYPE,
        source=source,
        time=changed_at,
    )
    timings["write_outbox"] = round(time.perf_counter() - t_out, 3)
    t_upd = time.perf_counter()
    await conn.execute(
        f"""UPDATE active_entitlement e
            SET monthly_amount = (r.new_fen::numeric / 100)::numeric(14, 2),
                amount_from_month = {_MONTH_SQL.format(m="r.eff_m")},
                last_recalculation_id = $1, updated_at = now()
            FROM recalc_result r WHERE e.id = r.id""",
        run_id,
    )
    timings["write_update"] = round(time.perf_counter() - t_upd, 3)
    return inserted


# ---------------------------------------------------------------- runs
async def discover_parameter_runs(session: AsyncSession, keys: Sequence[str]) -> int:
    """A pending run for every recorded version of a dibao key that has none yet."""
    res = await session.execute(
        text(
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
        ),
        {"keys": list(keys)},
    )
    return int(res.rowcount or 0)  # type: ignore[attr-defined]


async def try_run_lock(session: AsyncSession) -> bool:
    """One recalculation at a time (held until the transaction ends)."""
    return bool(
        (
            await session.execute(
                text("SELECT pg_try_advisory_xact_lock(hashtext('socialaid.benefits.recalc'))")
            )
        ).scalar_one()
    )
