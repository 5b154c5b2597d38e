"""Seed the price-linkage parameters (价格临时补贴) of the demonstration region 吕梁市 141100 (R-CA-10).

The mechanism of 国家发展改革委、民政部、财政部、人力资源社会保障部、退役军人事务部、国家统计局
《关于进一步健全社会救助和保障标准与物价上涨挂钩联动机制的通知》(发改价格〔2021〕1553号), as
seeds 000 §二(一)1 and 001 §二 ask: national start conditions, the region's covered categories
and food weight, and the region's monthly index figures, each valid for one benefit month
(2026-01 … 2026-07; a later month has no figure and cannot be assessed until one is recorded).
Tags in ``source``: [N] national text, [L] a local rule seen in practice (verify before
production), [D] a value chosen for the demonstration region (not an official figure). Numbers
are stored in ``value_numeric``, tables in ``value_json``; every value passes its catalogue spec
(tests/unit/test_price_subsidy.py parses this list).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

import calendar
import datetime as dt
import uuid
from decimal import Decimal

from socialaid.benefits.db.seed import delete_seed, insert_seed

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NAMESPACE = uuid.UUID(
    "6f3c1a8e-2b7d-4c59-9a41-5d0e8b7f2c10"
)  # same as 0002-0004: ids stay disjoint
LVLIANG = "141100"
NATIONAL = "000000"
D = dt.date
START = D(2025, 1, 1)
NOTICE = "《关于进一步健全社会救助和保障标准与物价上涨挂钩联动机制的通知》(发改价格〔2021〕1553号)"
COVERED = {
    "dibao": {"base": "dibao_standard"},
    "tekun": {"base": "tekun_basic"},
}
# [D] 演示值 (not official figures): CPI and food-price CPI, year on year, per benefit month.
# 2026-03 is just below both conditions, 2026-04 at the CPI one exactly, 2026-05 food only,
# 2026-06 and 2026-07 both.
INDEX = {
    "2026-01": ("0.021", "0.034"),
    "2026-02": ("0.029", "0.052"),
    "2026-03": ("0.034", "0.059"),
    "2026-04": ("0.035", "0.048"),
    "2026-05": ("0.031", "0.066"),
    "2026-06": ("0.036", "0.062"),
    "2026-07": ("0.038", "0.071"),
}
RELEASE = (
    "[D] 演示值 (not an official figure): {what} of 吕梁市 for {month}, as the statistics "
    "bureau's monthly release (国家统计局吕梁调查队 居民消费价格月度数据) would state it; valid "
    "for that benefit month only. R-CA-10."
)


def _month(month: str) -> tuple[dt.date, dt.date]:
    year, number = (int(x) for x in month.split("-"))
    return D(year, number, 1), D(year, number, calendar.monthrange(year, number)[1])


# key, region, value (Decimal → value_numeric, dict/list → value_json), valid_from, valid_to, source
SEED = [
    ("price.cpi_threshold", NATIONAL, Decimal("0.035"), START, None,
     f"[N] {NOTICE} 启动条件: the month's CPI rise year on year reaches 3.5 %. Seeds 000 §二(一)1, "
     "001 §二; R-CA-10."),
    ("price.food_threshold", NATIONAL, Decimal("0.06"), START, None,
     f"[N] {NOTICE} 启动条件: the month's food-price CPI rise year on year reaches 6 %. Seeds "
     "000 §二(一)1, 001 §二; R-CA-10."),
    ("price.covered_categories", LVLIANG, COVERED, START, None,
     f"[N] {NOTICE} 保障范围 includes 城乡低保对象 and 特困人员, on their monthly base standard "
     "(the dibao standard; the tekun basic living standard). [D] the demonstration region lists "
     "these two; a region adds orphans, 事实无人抚养儿童, 优抚对象 or unemployment-insurance "
     "recipients with their own base. R-CA-10."),
    ("price.food_weight", LVLIANG, Decimal("0.30"), START, None,
     "[D] 演示值 (approximate, not an official figure): food is about 30 % of household "
     "consumption; a triggered food-price rise counts at this share. R-CA-10."),
    ("price.min_per_person", LVLIANG, Decimal("0.00"), START, None,
     "[D] no per-person minimum in the demonstration region ([L] some cities pay at least "
     "10 yuan per person per month). R-CA-10."),
    *[
        (key, LVLIANG, Decimal(value), *_month(month), RELEASE.format(what=what, month=month))
        for month, figures in INDEX.items()
        for key, what, value in zip(
            ("price.cpi_yoy", "price.food_cpi_yoy"),
            ("the CPI rise year on year", "the food-price CPI rise year on year"),
            figures,
            strict=True,
        )
    ],
]  # fmt: skip


def upgrade() -> None:
    insert_seed(NAMESPACE, SEED)


def downgrade() -> None:
    delete_seed(NAMESPACE, SEED)
