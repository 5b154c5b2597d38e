"""The dibao parameter catalogue (dibao.*, edge.*, rigid.*, income.*, support.*) and its tables.

Every number of rules.md §1-§6 is one of these keys; the values live per region with their dates
(migration 0003 seeds the demonstration region). Tables are ``json`` keys checked by a validator
here, read back by the small helpers at the bottom (the rules never see raw JSON).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, get_args

from socialaid.benefits.domain.household import IncomeCategory
from socialaid.benefits.domain.parameters import (
    ParameterSet,
    ParameterSpec,
    ParameterUsed,
    ParameterValueError,
    table_decimal,
)

ZERO = Decimal(0)
ONE = Decimal(1)
METHODS = ("gap", "tiers")
ADDON_CATEGORIES = ("serious_illness", "severe_disability", "aged_70", "minor")
INCOME_CATEGORIES: frozenset[str] = frozenset(get_args(IncomeCategory))


def _dec(
    value: Any, where: str, *, minimum: Decimal = ZERO, maximum: Decimal | None = None
) -> Decimal:
    d = table_decimal(value, where)
    if not d.is_finite() or d < minimum or (maximum is not None and d > maximum):
        bound = f" and ≤ {maximum}" if maximum is not None else ""
        raise ParameterValueError(f"{where}: must be ≥ {minimum}{bound}")
    return d


def _validate_method(raw: Any) -> None:
    if not isinstance(raw, dict) or set(raw) != {"method"} or raw["method"] not in METHODS:
        raise ParameterValueError('dibao.method takes {"method": "gap"} or {"method": "tiers"}')


def _validate_tiers(raw: Any) -> None:
    """[{tier, max_per_capita_income, amount_per_person}], ascending bounds, amounts not rising.

    ``max_per_capita_income`` is exclusive (per-capita income < bound); ``null`` on the last tier
    means "up to the standard". Amounts may not rise with income (a higher income never pays more).
    """
    if not isinstance(raw, list) or not raw:
        raise ParameterValueError("dibao.tiers takes a non-empty array of tiers")
    last_bound: Decimal | None = None
    last_amount: Decimal | None = None
    for i, t in enumerate(raw):
        where = f"dibao.tiers[{i}]"
        if not isinstance(t, dict) or set(t) - {
            "tier",
            "max_per_capita_income",
            "amount_per_person",
        }:
            raise ParameterValueError(
                f"{where}: an object with tier, max_per_capita_income, amount_per_person"
            )
        if not isinstance(t.get("tier"), str) or not t["tier"]:
            raise ParameterValueError(f"{where}: tier needs a name")
        amount = _dec(t.get("amount_per_person"), f"{where}.amount_per_person")
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]  # a parsed amount is finite: the exponent is an int
            raise ParameterValueError(f"{where}.amount_per_person: money, two decimals at most")
        bound_raw = t.get("max_per_capita_income")
        if bound_raw is None:
            if i != len(raw) - 1:
                raise ParameterValueError(f"{where}: only the last tier may be unbounded")
        else:
            bound = _dec(bound_raw, f"{where}.max_per_capita_income")
            if last_bound is not None and bound <= last_bound:
                raise ParameterValueError(f"{where}: bounds must rise strictly")
            last_bound = bound
        if last_amount is not None and amount > last_amount:
            raise ParameterValueError(f"{where}: a higher-income tier may not pay more")
        last_amount = amount


def _validate_addons(raw: Any) -> None:
    if not isinstance(raw, dict) or set(raw) != set(ADDON_CATEGORIES):
        raise ParameterValueError(
            f"dibao.addon_rates takes exactly {{{', '.join(ADDON_CATEGORIES)}}} as decimal fractions"
        )
    for k, v in raw.items():
        _dec(v, f"dibao.addon_rates.{k}", maximum=ONE)


def _validate_excluded(raw: Any) -> None:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ParameterValueError("income.excluded_categories takes an array of income categories")
    unknown = set(raw) - INCOME_CATEGORIES
    if unknown:
        raise ParameterValueError(f"income.excluded_categories: unknown {sorted(unknown)}")
    if {"wages", "support_paid"} & set(raw):
        raise ParameterValueError(
            "income.excluded_categories may not exclude wages or support_paid"
        )


def _fraction(key: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key, "decimal", "fraction (0.30 = 30 %)", description, minimum=ZERO, maximum=ONE
    )


PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "dibao.standard",
        "money",
        "yuan per person per month",
        "低保标准: monthly dibao standard per person (rules.md §4)",
        minimum=ZERO,
        exclusive_minimum=True,
        maximum=Decimal(100_000),
    ),
    ParameterSpec(
        "dibao.fin_assets_months",
        "integer",
        "months of the standard",
        "Financial assets per capita may not exceed this many months of the standard (rules.md §3)",
        minimum=ZERO,
        maximum=Decimal(600),
    ),
    ParameterSpec(
        "dibao.vehicle_exempt_value",
        "money",
        "yuan",
        "A car valued at most this much, with a valuation certificate, is exempted (rules.md §3)",
        minimum=ZERO,
        maximum=Decimal(10_000_000),
    ),
    ParameterSpec(
        "dibao.max_properties",
        "integer",
        "residential properties",
        "Most residential properties a dibao household may own (rules.md §3)",
        minimum=ZERO,
        maximum=Decimal(100),
    ),
    _fraction(
        "dibao.employment_cost_rate",
        "必要就业成本: deducted per employed member, × standard, capped at wages (rules.md §2)",
    ),
    ParameterSpec(
        "dibao.method",
        "json",
        '{"method": "gap" | "tiers"}',
        "差额法 or 分档法: how the monthly amount is computed (rules.md §4)",
        validate_json=_validate_method,
    ),
    ParameterSpec(
        "dibao.tiers",
        "json",
        "[{tier, max_per_capita_income, amount_per_person}] yuan/month",
        "分档: per-capita income < bound → fixed amount per person; last bound null = standard",
        validate_json=_validate_tiers,
    ),
    ParameterSpec(
        "dibao.addon_rates",
        "json",
        "{serious_illness, severe_disability, aged_70, minor} fractions of the standard",
        "分类施保: add-on per qualifying person, highest category only (rules.md §4)",
        validate_json=_validate_addons,
    ),
    ParameterSpec(
        "dibao.addon_elderly_age",
        "integer",
        "years",
        "Age from which the elderly add-on category applies ([L] 70) (rules.md §4)",
        minimum=Decimal(50),
        maximum=Decimal(120),
    ),
    ParameterSpec(
        "dibao.min_per_capita",
        "money",
        "yuan per person per month",
        "Optional per-capita floor of the monthly amount (rules.md §4; default 0)",
        minimum=ZERO,
        maximum=Decimal(100_000),
    ),
    ParameterSpec(
        "dibao.taper_months",
        "integer",
        "months",
        "渐退期: the previous amount continues after income rose from work ([N] ≤ 6) (rules.md §6)",
        minimum=ZERO,
        maximum=Decimal(6),
    ),
    ParameterSpec(
        "dibao.first_business_months",
        "integer",
        "months",
        "首次创业: dibao kept this long from business registration (one quarter) (rules.md §6)",
        minimum=ZERO,
        maximum=Decimal(24),
    ),
    ParameterSpec(
        "dibao.job_refusal_limit",
        "integer",
        "refusals",
        "A fit unemployed member refusing suitable work this often loses their share (rules.md §6)",
        minimum=ONE,
        maximum=Decimal(20),
    ),
    ParameterSpec(
        "income.reference_months",
        "integer",
        "months",
        "Monthly income is averaged over this many months ([D] 12) (rules.md §2)",
        minimum=ONE,
        maximum=Decimal(36),
    ),
    ParameterSpec(
        "income.excluded_categories",
        "json",
        "[income category, …]",
        "Income categories a city excludes besides the national list (e.g. disability subsidies)",
        validate_json=_validate_excluded,
    ),
    ParameterSpec(
        "income.deduct_rigid_medical",
        "integer",
        "0 = no, 1 = yes",
        "Deduct members' rigid costs of disability or serious illness from income (rules.md §2)",
        minimum=ZERO,
        maximum=ONE,
    ),
    _fraction(
        "support.rate_le2_children",
        "赡养费: share of an obligor's per-capita income above the standard, ≤ 2 children",
    ),
    _fraction(
        "support.rate_ge3_children",
        "赡养费: share of an obligor's per-capita income above the standard, ≥ 3 children",
    ),
    ParameterSpec(
        "edge.multiplier",
        "decimal",
        "× dibao standard",
        "低保边缘: per-capita income below this multiple of the standard (rules.md §5)",
        minimum=ONE,
        maximum=Decimal(10),
    ),
    ParameterSpec(
        "edge.fin_assets_months",
        "integer",
        "months of the standard",
        "Edge/rigid households: financial assets per capita limit (default: the dibao limit)",
        minimum=ZERO,
        maximum=Decimal(600),
    ),
    ParameterSpec(
        "edge.vehicle_exempt_value",
        "money",
        "yuan",
        "Edge/rigid households: exempt car value (default: the dibao value)",
        minimum=ZERO,
        maximum=Decimal(10_000_000),
    ),
    ParameterSpec(
        "edge.max_properties",
        "integer",
        "residential properties",
        "Edge/rigid households: residential properties (default: the dibao limit)",
        minimum=ZERO,
        maximum=Decimal(100),
    ),
    _fraction(
        "rigid.share_of_income",
        "刚性支出: rigid spending over 12 months ≥ this share of income ([L] 0.6) (rules.md §5)",
    ),
    ParameterSpec(
        "rigid.disposable_income_last_year",
        "money",
        "yuan per person per year",
        "上年度当地居民人均可支配收入: the rigid-expenditure income line (rules.md §5)",
        minimum=ZERO,
        exclusive_minimum=True,
        maximum=Decimal(10_000_000),
    ),
    ParameterSpec(
        "rigid.valid_months",
        "integer",
        "months",
        "A rigid-expenditure recognition is valid this long at most ([N] 12) (rules.md §5)",
        minimum=ONE,
        maximum=Decimal(24),
    ),
)


# --------------------------------------------------------------------------- readers
def method(params: ParameterSet) -> str:
    p = params.get("dibao.method")
    return "gap" if p is None else str(p.value["method"])


def tiers(p: ParameterUsed) -> list[tuple[str, Decimal | None, Decimal]]:
    """(name, exclusive upper bound or None, amount per person), in ascending bounds."""
    out = []
    for t in p.value:
        bound = t.get("max_per_capita_income")
        out.append(
            (
                t["tier"],
                None if bound is None else Decimal(str(bound)),
                Decimal(str(t["amount_per_person"])),
            )
        )
    return out


def addon_rates(p: ParameterUsed) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in p.value.items()}


def flag(params: ParameterSet, key: str) -> bool:
    p = params.get(key)
    return p is not None and p.decimal == ONE
