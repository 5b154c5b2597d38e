"""Migration 0007 moves existing household facts out of ``active_entitlement`` and back, losing
nothing (R-CA-01 batch recalculation reads them from ``entitlement_facts``)."""

import asyncio
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.config import Config

pytestmark = pytest.mark.integration
INI = str(Path(__file__).resolve().parents[2] / "alembic.ini")
FACTS = "f.members, f.inc_wages, f.financial_assets, f.birth_1, f.obligor_income_1, f.engine_only"


def _migrate(url: str, direction: str, revision: str) -> None:
    cfg = Config(INI)
    cfg.set_main_option("sqlalchemy.url", url)
    getattr(command, direction)(cfg, revision)


async def test_facts_survive_upgrade_and_downgrade(fresh_database):
    url = await fresh_database("benefits_mig")
    raw = url.replace("+asyncpg", "")
    await asyncio.to_thread(_migrate, url, "upgrade", "0006")
    conn = await asyncpg.connect(raw)
    try:
        await conn.execute(
            """INSERT INTO active_entitlement (case_id, programme, region_code, start_month,
                   approved_amount, monthly_amount, amount_from_month, members,
                   inc_business, inc_compensation, inc_disability_subsidy, inc_gifts,
                   inc_medical_insurance, inc_old_age_allowance, inc_other, inc_pension_local,
                   inc_property, inc_support_received, inc_unemployment_benefit, inc_wages,
                   support_paid, rigid_medical, financial_assets, addon_bits, vehicles_counted,
                   residential_properties, non_residential_properties, business_barrier,
                   birth_1, obligor_income_1)
               VALUES ('case-1', 'dibao', '141102', '2026-01', 100, 100, '2026-01', 2,
                       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 500, 1, 2, 300, 0, 0, 1, 0, false,
                       '1980-01-02', 7000)"""
        )
        before = await conn.fetchrow(
            f"SELECT e.case_id, {FACTS.replace('f.', 'e.')} FROM active_entitlement e"
        )
        await asyncio.to_thread(_migrate, url, "upgrade", "head")
        after = await conn.fetchrow(
            f"SELECT e.case_id, {FACTS} FROM active_entitlement e "
            "JOIN entitlement_facts f ON f.entitlement_id = e.id"
        )
        assert tuple(after) == tuple(before)
        wide = await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'active_entitlement' AND column_name = 'inc_wages'"
        )
        assert wide == 0  # the amount UPDATE now rewrites a narrow row
        await asyncio.to_thread(_migrate, url, "downgrade", "0006")
        back = await conn.fetchrow(
            f"SELECT e.case_id, {FACTS.replace('f.', 'e.')} FROM active_entitlement e"
        )
        assert tuple(back) == tuple(before)
    finally:
        await conn.close()
