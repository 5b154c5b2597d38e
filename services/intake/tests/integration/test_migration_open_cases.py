"""Migration 0005 enters existing open monthly cases into ``case_person`` (oldest first, so the
database refuses the next duplicate) and narrows stored ID masks to region and check character."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.config import Config

pytestmark = pytest.mark.integration
INI = str(Path(__file__).resolve().parents[2] / "alembic.ini")
PERSON, OTHER = "h" * 64, "k" * 64


def _migrate(url: str, direction: str, revision: str) -> None:
    cfg = Config(INI)
    cfg.set_main_option("sqlalchemy.url", url)
    getattr(command, direction)(cfg, revision)


async def _application(conn: asyncpg.Connection, app_id: str, *hashes: str) -> None:
    await conn.execute(
        "INSERT INTO application (id, region_code, channel, received_by, consent_signed,"
        " consent_scope, declared_assets) VALUES ($1, '141102', 'window', 'x', true, '{}', '{}')",
        app_id,
    )
    for i, h in enumerate(hashes):
        await conn.execute(
            "INSERT INTO household_member (id, application_id, position, name, id_number_hash,"
            " id_number_encrypted, id_number_masked, relationship, birth_date, serious_illness,"
            " labour_capacity, declared_monthly_income) VALUES (gen_random_uuid(), $1, $2, '张三',"
            " $3, 'c', '141102********001X', 'applicant', '1980-01-01', false, 'full', 0)",
            app_id,
            i,
            h,
        )


async def _case(conn: asyncpg.Connection, case_id: str, app_id: str, programme: str,
                status: str, created: str) -> None:  # fmt: skip
    await conn.execute(
        'INSERT INTO "case" (id, application_id, programme, region_code, status, version,'
        " created_at) VALUES ($1, $2, $3, '141102', $4, 1, $5::text::timestamptz)",
        case_id,
        app_id,
        programme,
        status,
        created,
    )


async def test_r_pa_03_existing_open_cases_are_entered_oldest_first(fresh_database) -> None:
    url = await fresh_database("intake_mig")
    await asyncio.to_thread(_migrate, url, "upgrade", "0004")
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        a1, a2, a3 = (f"00000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 3))
        await _application(conn, a1, PERSON, OTHER)
        await _application(conn, a2, PERSON)
        await _application(conn, a3, PERSON)
        c_old, c_dup, c_rej, c_med = (f"10000000-0000-0000-0000-00000000000{i}" for i in range(4))
        await _case(conn, c_old, a1, "dibao", "enrolled", "2026-01-01")
        await _case(conn, c_dup, a2, "dibao", "submitted", "2026-02-01")
        await _case(conn, c_rej, a3, "dibao", "rejected", "2025-12-01")
        await _case(conn, c_med, a3, "medical", "submitted", "2026-03-01")

        await asyncio.to_thread(_migrate, url, "upgrade", "head")

        held = await conn.fetch(
            "SELECT case_id::text, person_hash, programme FROM case_person ORDER BY person_hash"
        )
        assert [tuple(r) for r in held] == [(c_old, PERSON, "dibao"), (c_old, OTHER, "dibao")]
        masks = {r[0] for r in await conn.fetch("SELECT id_number_masked FROM household_member")}
        assert masks == {"141102" + "*" * 11 + "X"}
        with pytest.raises(asyncpg.UniqueViolationError):  # the database now refuses a second one
            await conn.execute(
                "INSERT INTO case_person (case_id, person_hash, programme) VALUES ($1, $2, 'dibao')",
                c_dup,
                PERSON,
            )
        await asyncio.to_thread(_migrate, url, "downgrade", "0004")
        gone = await conn.fetchval("SELECT to_regclass('case_person') IS NULL")
        assert gone
    finally:
        await conn.close()
