"""Seed the tekun, medical, temporary, disaster-relief and grant parameters of 吕梁市 141100.

Completes the demonstration region's parameter set (rules.md §7-§10, R-CA-11) after the dibao
keys of migration 0003. Tags in ``source``: [N] national text, [L] a local rule seen in practice
(verify before production), [D] a value chosen for the demonstration region (not an official
figure). Numbers are stored in ``value_numeric``, tables in ``value_json`` (decimals as
strings); every value passes its catalogue spec (the programme unit tests parse this list).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import datetime as dt
import uuid
from decimal import Decimal

from socialaid.benefits.db.seed import delete_seed, insert_seed

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID(
    "6f3c1a8e-2b7d-4c59-9a41-5d0e8b7f2c10"
)  # same as 0002/0003: ids stay disjoint
LVLIANG = "141100"
NATIONAL = "000000"
D = dt.date
START = D(2025, 1, 1)
END_2025 = D(2025, 12, 31)
FROM_2026 = D(2026, 1, 1)

DISABILITY_MAX_GRADE = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}
CARE = {
    "self_care": {"min_wage_share": "1/10"},
    "partial_loss": {"min_wage_share": "1/6"},
    "total_loss": {"min_wage_share": "1/4"},
}
MEDICAL = {
    "tekun": {"rate": "0.90", "deductible_share": "0", "premium_subsidy": "1.00"},
    "dibao": {"rate": "0.70", "deductible_share": "0", "premium_subsidy": "1.00"},
    "edge": {"rate": "0.60", "deductible_share": "0.10", "premium_subsidy": "0"},
    "illness_impoverished": {"rate": "0.50", "deductible_share": "0.25", "premium_subsidy": "0"},
}
EDUCATION = {
    "preschool": {"amount": "1000.00", "per": "year"},
    "primary": {"amount": "1000.00", "per": "year"},
    "junior_secondary": {"amount": "1250.00", "per": "year"},
    "senior_secondary": {"amount": "2000.00", "per": "year"},
    "vocational": {"amount": "2000.00", "per": "year"},
    "undergraduate": {"amount": "3700.00", "per": "year"},
}
HOUSING = {
    "rent_subsidy": {"amount": "300.00", "per": "month"},
    "renovation": {"amount": "20000.00", "per": "once"},
}
HEATING = {
    "central": {"amount": "1200.00", "per": "season"},
    "self_heating": {"amount": "800.00", "per": "season", "statuses": ["dibao", "tekun"]},
}
EMPLOYMENT = {
    "job_seeking": {"amount": "1000.00", "per": "once"},
    "first_business": {"amount": "5000.00", "per": "once"},
}
INCOME_2025 = (
    "[D] 演示值 (approximate, not an official figure): 吕梁市 2024 per-capita disposable income "
    "≈ 23,000 yuan/year (same figure as rigid.disposable_income_last_year), used during 2025."
)
INCOME_2026 = (
    "[D] 演示值 (approximate, not an official figure): 吕梁市 2025 per-capita disposable income "
    "≈ 24,000 yuan/year (same figure as rigid.disposable_income_last_year), used from 2026."
)

# key, region, value (Decimal → value_numeric, dict/list → value_json), valid_from, valid_to, source
SEED = [
    # ---- tekun (rules.md §7; R-CA-04, R-CA-05)
    ("tekun.min_age_elderly", NATIONAL, Decimal("60"), START, None,
     "[N] 特困人员认定办法(2021) 第四条: elderly aged 60 or over. rules.md §7."),
    ("tekun.minor_age", NATIONAL, Decimal("18"), START, None,
     "[N] minors under 18 (raised from 16 by seed 001 §二); kept on while in school. rules.md §7."),
    ("tekun.labour_min_age", NATIONAL, Decimal("16"), START, None,
     "[N] 特困人员认定办法(2021) 第七条: minors under 16 are deemed to have no labour capacity."),
    ("tekun.disability_max_grade", NATIONAL, DISABILITY_MAX_GRADE, START, None,
     "[N] 特困人员认定办法(2021) 第七条: intellectual/mental grade 1-3, physical 1-2, visual 1. "
     "rules.md §7."),
    ("tekun.fin_assets_months", LVLIANG, Decimal("24"), START, None,
     "[L] tekun asset limit: financial assets per capita ≤ 24 × the dibao standard (typical local "
     "rule, verify before production). 特困人员认定办法(2021) 第六条; rules.md §7."),
    ("tekun.basic_multiplier", LVLIANG, Decimal("1.3"), START, None,
     "[L] 基本生活标准 ≥ 1.3 × the dibao standard (seed 001 §二). rules.md §7."),
    ("tekun.consumption_share", NATIONAL, Decimal("0.6"), START, None,
     "[N] 基本生活标准 ≥ 60 % of last year's local per-capita consumption (seed 002 §二(二)2)."),
    ("tekun.consumption_last_year", LVLIANG, Decimal("16000.00"), START, END_2025,
     "[D] 演示值 (approximate, not an official figure): 吕梁市 2024 per-capita consumption "
     "≈ 16,000 yuan/year, used during 2025. rules.md §7."),
    ("tekun.consumption_last_year", LVLIANG, Decimal("16800.00"), FROM_2026, None,
     "[D] 演示值 (approximate, not an official figure): 吕梁市 2025 per-capita consumption "
     "≈ 16,800 yuan/year, used from 2026. rules.md §7."),
    ("tekun.care_amounts", LVLIANG, CARE, START, None,
     "[L] 照料护理标准: 1/10 (self-care), 1/6 (partial loss), 1/4 (total loss) of the local minimum "
     "wage (seed 001 §二; typical local rule, verify before production). rules.md §7."),
    ("tekun.care_total_min_unable", NATIONAL, Decimal("4"), START, None,
     "[N] 特困人员认定办法(2021) 第二十一、二十二条: ≥ 4 of the six daily activities not managed → "
     "total loss; 1-3 → partial loss; none → self-care. rules.md §7."),
    ("tekun.min_wage", LVLIANG, Decimal("1880.00"), START, None,
     "[D] 演示值 (approximate): monthly minimum wage of the demonstration region's wage class. "
     "rules.md §7."),
    ("tekun.supporter_dibao_min_age", NATIONAL, Decimal("60"), START, None,
     "[N] 特困人员认定办法(2021) 第八条: a dibao recipient aged ≥ 60 cannot support. rules.md §7."),
    ("tekun.supporter_old_age", NATIONAL, Decimal("70"), START, None,
     "[N] 特困人员认定办法(2021) 第八条: aged ≥ 70 (or severely disabled) with low income and "
     "assets cannot support. rules.md §7."),
    # ---- medical (rules.md §8; R-CA-08)
    ("medical.categories", LVLIANG, MEDICAL, START, None,
     "[L] 医疗救助: tekun 90 %, dibao 70 % (no deductible), edge 60 % with deductible 10 % and "
     "illness-impoverished 50 % with 25 % of last year's per-capita disposable income; tekun and "
     "dibao premiums subsidised 100 % (seed 000 §二(四)1, 002 §二(二)3). rules.md §8."),
    ("medical.disposable_income_last_year", LVLIANG, Decimal("23000.00"), START, END_2025, INCOME_2025),
    ("medical.disposable_income_last_year", LVLIANG, Decimal("24000.00"), FROM_2026, None, INCOME_2026),
    ("medical.cap_multiple", LVLIANG, Decimal("1"), START, None,
     "[L] annual cap = 1 × last year's per-capita disposable income. rules.md §8."),
    # ---- temporary (rules.md §9; R-CA-09)
    ("temporary.max_multiple", LVLIANG, Decimal("10"), START, None,
     "[L] 临时救助 at most 10 × the monthly dibao standard per event. rules.md §9."),
    ("temporary.min_emergency_multiple", LVLIANG, Decimal("2"), START, None,
     "[L] 急难型临时救助 at least 2 × the monthly dibao standard. rules.md §9."),
    ("temporary.township_limit_multiple", LVLIANG, Decimal("3"), START, None,
     "[L] townships approve up to 3 × the standard; larger amounts go to the county. rules.md §9."),
    ("temporary.disposable_income_last_year", LVLIANG, Decimal("23000.00"), START, END_2025, INCOME_2025),
    ("temporary.disposable_income_last_year", LVLIANG, Decimal("24000.00"), FROM_2026, None, INCOME_2026),
    ("temporary.unemployed_grant", LVLIANG, Decimal("1000.00"), START, None,
     "[D] 演示值: one-off temporary grant for uninsured unemployed people in hardship (seed 001 §一). "
     "rules.md §9."),
    # ---- disaster relief (rules.md §10; R-DR-02 … R-DR-06)
    ("disaster.emergency_per_person", LVLIANG, Decimal("300.00"), START, None,
     "[L] 应急救助 300 yuan per person (example allocation base). rules.md §10."),
    ("disaster.death_consolation", LVLIANG, Decimal("10000.00"), START, None,
     "[L] 遇难人员抚慰金 10,000 yuan per death. rules.md §10."),
    ("disaster.transitional_per_person_day", LVLIANG, Decimal("20.00"), START, None,
     "[L] 过渡期生活救助 20 yuan per person per day. rules.md §10."),
    ("disaster.transitional_max_days", LVLIANG, Decimal("90"), START, None,
     "[L] transitional period of up to 90 days (about 3 months). rules.md §10."),
    ("disaster.collapsed_house", LVLIANG, Decimal("20000.00"), START, None,
     "[L] 倒房重建补助 20,000 yuan per collapsed or severely damaged house. rules.md §10."),
    ("disaster.damaged_house", LVLIANG, Decimal("2000.00"), START, None,
     "[L] 损房维修补助 2,000 yuan per damaged house. rules.md §10."),
    ("disaster.drought_per_person", LVLIANG, Decimal("60.00"), START, None,
     "[L] 旱灾救助 60 yuan per person. rules.md §10."),
    ("disaster.winter_spring_per_person", LVLIANG, Decimal("130.00"), START, None,
     "[L] 冬春救助 130 yuan per person, poor households first. rules.md §10."),
    ("disaster.grain_kg_per_person_day", NATIONAL, Decimal("0.5"), START, None,
     "[L] national response levels I/II: 0.5 kg of grain per person per day over the transitional "
     "period (typical practice, verify before production). rules.md §10."),
    # ---- grants (R-CA-11)
    ("education.amounts", LVLIANG, EDUCATION, START, None,
     "[D] 演示值: 教育救助 per student and school year by stage (seed 000 §二(五); 003 §4)."),
    ("housing.amounts", LVLIANG, HOUSING, START, None,
     "[D] 演示值: 住房救助 rent subsidy 300 yuan/month, rural dangerous-house renovation "
     "20,000 yuan once (seed 000 §二(六); 003 §5)."),
    ("heating.amounts", LVLIANG, HEATING, START, None,
     "[D] 演示值: 取暖救助 per household per heating season (003 §6)."),
    ("employment.amounts", LVLIANG, EMPLOYMENT, START, None,
     "[D] 演示值: 就业救助 one-off job-seeking subsidy and first-business subsidy "
     "(seed 000 §二(七); 003 §7)."),
]  # fmt: skip


def upgrade() -> None:
    insert_seed(NAMESPACE, SEED)


def downgrade() -> None:
    delete_seed(NAMESPACE, SEED)
