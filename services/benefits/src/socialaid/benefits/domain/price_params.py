"""Price-subsidy parameter catalogue (price.*) and its table validator (R-CA-10).

The keys the price-subsidy rules in ``price_subsidy.py`` introduce; ``dibao.standard`` and the
tekun basic-standard keys are the dibao and tekun modules'.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from socialaid.benefits.domain.parameters import ParameterSpec, ParameterValueError, table_decimal

BASES = ("dibao_standard", "tekun_basic")
CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CATEGORY_ZH = {
    "dibao": "低保对象",
    "tekun": "特困人员",
    "orphan": "孤儿",
    "de_facto_orphan": "事实无人抚养儿童",
    "special_care": "享受国家定期抚恤补助的优抚对象",
    "unemployment_insurance": "领取失业保险金人员",
    "edge": "低保边缘人口",
}


def _money(value: Any, where: str) -> Decimal:
    d = table_decimal(value, where)
    exponent = d.as_tuple().exponent
    if not d.is_finite() or d <= 0 or (isinstance(exponent, int) and exponent < -2):
        raise ParameterValueError(f"{where}: money > 0, two decimals at most")
    return d


def _validate_covered(raw: Any) -> None:
    shape = '{category: {"base": "dibao_standard" | "tekun_basic"} | {"amount": "1500.00"}}'
    if not isinstance(raw, dict) or not raw:
        raise ParameterValueError(f"price.covered_categories takes {shape}")
    for cat, entry in raw.items():
        where = f"price.covered_categories.{cat}"
        if not CATEGORY.match(cat):
            raise ParameterValueError(f"{where}: a category code such as dibao, tekun, orphan")
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ParameterValueError(f"{where}: {shape}")
        if "base" in entry:
            if entry["base"] not in BASES:
                raise ParameterValueError(f"{where}.base: one of {', '.join(BASES)}")
        elif "amount" in entry:
            _money(entry["amount"], f"{where}.amount")
        else:
            raise ParameterValueError(f"{where}: base or amount")


def _rise(key: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key,
        "decimal",
        "fraction, year on year (0.035 = +3.5 %)",
        description,
        minimum=Decimal(-1),
        maximum=Decimal(1),
    )


def _share(key: str, unit: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key,
        "decimal",
        unit,
        description,
        minimum=Decimal(0),
        exclusive_minimum=True,
        maximum=Decimal(1),
    )


PARAMETERS: tuple[ParameterSpec, ...] = (
    _rise(
        "price.cpi_yoy",
        "居民消费价格指数(CPI)单月同比涨幅 of the benefit month, from the statistics bureau's "
        "monthly release; one version per month (valid_from the 1st, valid_to the last day)",
    ),
    _rise(
        "price.food_cpi_yoy",
        "CPI中食品价格单月同比涨幅 of the benefit month, from the statistics bureau's monthly "
        "release; one version per month (valid_from the 1st, valid_to the last day)",
    ),
    _share(
        "price.cpi_threshold",
        "fraction, year on year",
        "启动条件: the CPI rise reaches this ([N] 0.035) (R-CA-10)",
    ),
    _share(
        "price.food_threshold",
        "fraction, year on year",
        "启动条件: the food-price CPI rise reaches this ([N] 0.06) (R-CA-10)",
    ),
    _share(
        "price.food_weight",
        "fraction of consumption",
        "食品消费支出占比: the food rise × this share when the food condition triggers [D]",
    ),
    ParameterSpec(
        "price.covered_categories",
        "json",
        '{category: {"base": "dibao_standard" | "tekun_basic"} | {"amount": yuan per month}}',
        "保障范围: the recipient categories paid and the monthly base of each (dibao, tekun, "
        "orphans, unemployment-insurance recipients …) (R-CA-10)",
        validate_json=_validate_covered,
    ),
    ParameterSpec(
        "price.min_per_person",
        "money",
        "yuan per person per month",
        "每人每月最低补贴: a triggered subsidy is at least this per person [L] (R-CA-10)",
        minimum=Decimal(0),
        maximum=Decimal(100_000),
    ),
)
