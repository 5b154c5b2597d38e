"""Seed the demonstration region's parameters (吕梁市 141100; its counties fall back to it).

Tags in ``source``: [N] national text, [L] a local rule seen in practice (verify before
production), [D] a value chosen for the demonstration region (not an official figure).
There is deliberately no national ``dibao.standard``: the standard is set locally, so a region
outside the demonstration has no standard in force and cannot be assessed until one is recorded.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import datetime as dt
import uuid
from decimal import Decimal

from socialaid.benefits.db.seed import delete_seed, insert_seed

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6f3c1a8e-2b7d-4c59-9a41-5d0e8b7f2c10")
LVLIANG = "141100"
NATIONAL = "000000"
D = dt.date

# key, region, value, valid_from, valid_to, source
SEED = [
    (
        "dibao.standard",
        LVLIANG,
        Decimal("800.00"),
        D(2025, 1, 1),
        D(2026, 6, 30),
        "[D] 演示值, not an official figure: 吕梁市 dibao standard 800.00 yuan per person per month. "
        "社会救助暂行办法 第十条 (standard set and published by the province or city); rules.md §4.",
    ),
    (
        "dibao.standard",
        LVLIANG,
        Decimal("850.00"),
        D(2026, 7, 1),
        None,
        "[D] 演示值, not an official figure: mid-year rise to 850.00 yuan from 2026-07-01. "
        "社会救助暂行办法 第十条 (adjusted in good time); rules.md §4 (a standard that rises on 1 July "
        "changes July's amount, not June's).",
    ),
    (
        "dibao.fin_assets_months",
        LVLIANG,
        Decimal("24"),
        D(2025, 1, 1),
        None,
        "[L] financial assets per capita ≤ 24 × monthly standard (typical local limit, verify before "
        "production). 最低生活保障审核确认办法(2021) 第十四条 (asset limits set locally); rules.md §3.",
    ),
    (
        "dibao.vehicle_exempt_value",
        LVLIANG,
        Decimal("30000.00"),
        D(2025, 1, 1),
        None,
        "[L] a car valued ≤ 30,000 yuan with a valuation certificate may be exempted (typical local "
        "rule, verify before production). 最低生活保障审核确认办法(2021) 第十四条; rules.md §3.",
    ),
    (
        "dibao.max_properties",
        LVLIANG,
        Decimal("1"),
        D(2025, 1, 1),
        None,
        "[L] at most one residential property, no non-residential property (typical local rule, "
        "verify before production). 最低生活保障审核确认办法(2021) 第十四条; rules.md §3.",
    ),
    (
        "edge.multiplier",
        NATIONAL,
        Decimal("1.5"),
        D(2025, 1, 1),
        None,
        "[N] 低保边缘家庭: per-capita income below 1.5 × the local dibao standard; rules.md §5.",
    ),
]


def upgrade() -> None:
    insert_seed(NAMESPACE, SEED)


def downgrade() -> None:
    delete_seed(NAMESPACE, SEED)
