"""Seed the full dibao parameter set of the demonstration region (吕梁市 141100) (rules.md §1-§6, §12).

Completes migration 0002 (standard, asset limits, edge multiplier) with every other number the
dibao rules read. Tags in ``source``: [N] national text, [L] a local rule seen in practice (verify
before production), [D] a value chosen for the demonstration region (not an official figure).
Numbers are stored in ``value_numeric``, tables in ``value_json`` (decimals as strings); every
value passes its catalogue spec (tests/unit/test_dibao_catalogue.py parses this list).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import datetime as dt
import uuid
from decimal import Decimal

from socialaid.benefits.db.seed import delete_seed, insert_seed

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID("6f3c1a8e-2b7d-4c59-9a41-5d0e8b7f2c10")  # same as 0002: ids stay disjoint
LVLIANG = "141100"
NATIONAL = "000000"
D = dt.date
START = D(2025, 1, 1)

TIERS = [  # [L] rural A/B/C = 495/425/355 as an example table; the demo region uses the gap method
    {"tier": "A", "max_per_capita_income": "200.00", "amount_per_person": "495.00"},
    {"tier": "B", "max_per_capita_income": "500.00", "amount_per_person": "425.00"},
    {"tier": "C", "max_per_capita_income": None, "amount_per_person": "355.00"},
]
REVIEW = {
    "no_income_no_labour_no_supporter": "annual",
    "serious_illness_or_disability": "semiannual",
    "income_unchanged": "semiannual",
    "stable_income": "quarterly",
    "irregular_income": "monthly",
    "default": "annual",
}

# key, region, value (Decimal → value_numeric, dict/list → value_json), valid_from, valid_to, source
SEED = [
    ("dibao.employment_cost_rate", LVLIANG, Decimal("0.30"), START, None,
     "[L] 必要就业成本: 30 % of the standard per employed member, capped at the member's wages "
     "(typical local rule, verify before production). 民政部关于扣减必要就业成本的规定 (seed 001 §一); "
     "rules.md §2."),
    ("dibao.method", LVLIANG, {"method": "gap"}, START, None,
     "[D] 差额法 for the demonstration region. 最低生活保障审核确认办法(2021) (差额或分档发放); rules.md §4."),
    ("dibao.tiers", LVLIANG, TIERS, START, None,
     "[L] example rural tier table A/B/C = 495/425/355 yuan per person per month (bounds [D]); only "
     "used when dibao.method is tiers. rules.md §4."),
    ("dibao.addon_rates", LVLIANG,
     {"serious_illness": "0.30", "severe_disability": "0.20", "aged_70": "0.10", "minor": "0.10"},
     START, None,
     "[L] 分类施保: +30 % serious illness, +20 % severe disability, +10 % aged ≥ 70, +10 % minor, "
     "highest category only (typical local rates, verify before production). rules.md §4."),
    ("dibao.addon_elderly_age", LVLIANG, Decimal("70"), START, None,
     "[L] the elderly add-on category starts at 70 years. rules.md §4."),
    ("dibao.min_per_capita", LVLIANG, Decimal("0.00"), START, None,
     "[D] no per-capita floor in the demonstration region (rules.md §4 default 0)."),
    ("dibao.taper_months", NATIONAL, Decimal("6"), START, None,
     "[N] 救助渐退: the previous amount continues for up to 6 months after a member found work "
     "(民政部2022年通知). rules.md §6."),
    ("dibao.first_business_months", LVLIANG, Decimal("3"), START, None,
     "[L] 首次创业: dibao continues one quarter (3 months) from business registration "
     "(seed 000 §二(七)3). rules.md §6."),
    ("dibao.job_refusal_limit", NATIONAL, Decimal("3"), START, None,
     "[N] three refusals of suitable work without good reason → the member's own share stops "
     "(rules.md §6 [N §34])."),
    ("income.reference_months", LVLIANG, Decimal("12"), START, None,
     "[D] monthly income averaged over the last 12 months. rules.md §2."),
    ("income.excluded_categories", LVLIANG, ["disability_subsidy", "old_age_allowance"], START, None,
     "[L] the two disability subsidies and old-age allowances are not counted (typical city list, "
     "verify before production). 最低生活保障审核确认办法(2021) 第十三条; rules.md §2."),
    ("income.deduct_rigid_medical", LVLIANG, Decimal("1"), START, None,
     "[D] rigid costs of disability or serious illness are deducted from income. rules.md §2."),
    ("support.rate_le2_children", LVLIANG, Decimal("0.50"), START, None,
     "[L] imputed support: 50 % of an obligor's per-capita income above the standard when the "
     "obligor has ≤ 2 children (verify before production). rules.md §2."),
    ("support.rate_ge3_children", LVLIANG, Decimal("0.40"), START, None,
     "[L] imputed support: 40 % when the obligor has ≥ 3 children. rules.md §2."),
    ("edge.fin_assets_months", LVLIANG, Decimal("36"), START, None,
     "[D] edge and rigid-expenditure households: financial assets per capita ≤ 36 × standard "
     "(looser than dibao's 24). rules.md §5."),
    ("edge.vehicle_exempt_value", LVLIANG, Decimal("50000.00"), START, None,
     "[D] edge and rigid-expenditure households: a certified car ≤ 50,000 yuan is exempted. rules.md §5."),
    ("edge.max_properties", LVLIANG, Decimal("1"), START, None,
     "[D] edge and rigid-expenditure households: at most one residential property. rules.md §5."),
    ("rigid.share_of_income", LVLIANG, Decimal("0.6"), START, None,
     "[L] 刚性支出困难家庭: rigid spending over 12 months ≥ 60 % of household income "
     "(刚性支出困难家庭认定办法, effective 2025-01-01; share local). rules.md §5."),
    ("rigid.disposable_income_last_year", LVLIANG, Decimal("23000.00"), START, D(2025, 12, 31),
     "[D] 演示值 (approximate, not an official figure): 吕梁市 2024 per-capita disposable income "
     "≈ 23,000 yuan/year, the rigid-expenditure line during 2025. rules.md §5."),
    ("rigid.disposable_income_last_year", LVLIANG, Decimal("24000.00"), D(2026, 1, 1), None,
     "[D] 演示值 (approximate, not an official figure): 吕梁市 2025 per-capita disposable income "
     "≈ 24,000 yuan/year, the rigid-expenditure line from 2026. rules.md §5."),
    ("rigid.valid_months", NATIONAL, Decimal("12"), START, None,
     "[N] a rigid-expenditure recognition is valid for at most 12 months. rules.md §5."),
    ("review.frequencies", LVLIANG, REVIEW, START, None,
     "[L] 动态复核: yearly (no income, no labour capacity, no supporter), half-yearly (serious "
     "illness/disability, unchanged income), quarterly (stable income), monthly (irregular income) "
     "(seed 003 §14); default yearly (民政部2021年规定). rules.md §12."),
]  # fmt: skip


def upgrade() -> None:
    insert_seed(NAMESPACE, SEED)


def downgrade() -> None:
    delete_seed(NAMESPACE, SEED)
