"""Tekun parameter catalogue (tekun.*) and its table validators (rules.md §7, R-CA-04/05).

The keys the tekun rules in ``tekun.py`` introduce; ``dibao.standard``,
``rigid.disposable_income_last_year`` and ``income.excluded_categories`` are the dibao module's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialaid.benefits.domain.parameters import ParameterSpec, ParameterValueError, table_decimal

TIERS = ("self_care", "partial_loss", "total_loss")
INCOME_ZH = {
    "social_assistance": "社会救助金",
    "veterans": "优抚金",
    "family_planning": "计划生育奖励扶助金",
    "scholarship": "奖学金",
    "good_samaritan_award": "见义勇为奖励",
    "pension_central_basic": "城乡居民基础养老金(中央确定部分)",
    "medical_insurance": "医疗保险等社会保险待遇",
    "old_age_allowance": "高龄津贴",
    "disability_subsidy": "残疾人两项补贴",
}
DISABILITY_TYPES = ("physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple")


def _dec(value: Any, where: str) -> Decimal:
    d = table_decimal(value, where)
    if not d.is_finite() or d < 0:
        raise ParameterValueError(f"{where}: a finite number ≥ 0")
    return d


def fraction(raw: Any) -> tuple[Decimal, Decimal]:
    """'1/6' → (1, 6); '0.25' → (0.25, 1): shares of the minimum wage stay exact."""
    text = str(raw)
    num, _, den = text.partition("/")
    n, d = _dec(num.strip(), "share"), _dec((den or "1").strip(), "share")
    if d == 0 or n > d:
        raise ParameterValueError(f"share {text!r}: a fraction between 0 and 1")
    return n, d


def _validate_care(raw: Any) -> None:
    if not isinstance(raw, dict) or set(raw) != set(TIERS):
        raise ParameterValueError(f"tekun.care_amounts takes exactly {{{', '.join(TIERS)}}}")
    for tier, entry in raw.items():
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ParameterValueError(
                f'tekun.care_amounts.{tier}: {{"amount": "188.00"}} or {{"min_wage_share": "1/10"}}'
            )
        if "amount" in entry:
            if _dec(entry["amount"], f"tekun.care_amounts.{tier}").as_tuple().exponent < -2:  # type: ignore[operator]  # a parsed amount is finite: the exponent is an int
                raise ParameterValueError(f"tekun.care_amounts.{tier}: money, two decimals")
        elif "min_wage_share" in entry:
            fraction(entry["min_wage_share"])
        else:
            raise ParameterValueError(f"tekun.care_amounts.{tier}: amount or min_wage_share")


def _validate_grades(raw: Any) -> None:
    if not isinstance(raw, dict) or not raw or set(raw) - set(DISABILITY_TYPES):
        raise ParameterValueError(
            "tekun.disability_max_grade maps disability types to the least severe grade (1-4)"
        )
    for k, v in raw.items():
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 4:
            raise ParameterValueError(f"tekun.disability_max_grade.{k}: an integer grade 1-4")


def _years(key: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key, "integer", "years", description, minimum=Decimal(0), maximum=Decimal(120)
    )


PARAMETERS: tuple[ParameterSpec, ...] = (
    _years("tekun.min_age_elderly", "特困: elderly from this age ([N] 60) (rules.md §7)"),
    _years("tekun.minor_age", "特困: minors are under this age ([N] 18, was 16) (rules.md §7)"),
    _years("tekun.labour_min_age", "无劳动能力: minors under this age ([N] 16) (认定办法 §7)"),
    ParameterSpec(
        "tekun.disability_max_grade",
        "json",
        "{disability type: least severe qualifying grade}",
        "特困: intellectual/mental grade 1-3, physical 1-2, visual 1 [N] (rules.md §7)",
        validate_json=_validate_grades,
    ),
    ParameterSpec(
        "tekun.fin_assets_months",
        "integer",
        "months of the dibao standard",
        "特困: financial assets per capita ≤ this many months of the dibao standard [L]",
        minimum=Decimal(0),
        maximum=Decimal(600),
    ),
    ParameterSpec(
        "tekun.basic_multiplier",
        "decimal",
        "× dibao standard",
        "基本生活标准 ≥ this multiple of the dibao standard ([L] 1.3) (rules.md §7)",
        minimum=Decimal(1),
        maximum=Decimal(10),
    ),
    ParameterSpec(
        "tekun.consumption_share",
        "decimal",
        "fraction",
        "基本生活标准 ≥ this share of last year's per-capita consumption ([N] 0.6) (rules.md §7)",
        minimum=Decimal(0),
        maximum=Decimal(1),
    ),
    ParameterSpec(
        "tekun.consumption_last_year",
        "money",
        "yuan per person per year",
        "上年度当地居民人均消费支出 (rules.md §7)",
        minimum=Decimal(0),
        maximum=Decimal(10_000_000),
    ),
    ParameterSpec(
        "tekun.care_amounts",
        "json",
        '{tier: {"amount": yuan/month} | {"min_wage_share": "1/6"}}',
        "照料护理标准 per tier: self_care, partial_loss, total_loss ([L] 1/10, 1/6, 1/4 of min wage)",
        validate_json=_validate_care,
    ),
    ParameterSpec(
        "tekun.care_total_min_unable",
        "integer",
        "daily activities",
        "完全丧失自理能力: this many of the six activities not managed ([N] 4); 1..n-1 partial",
        minimum=Decimal(1),
        maximum=Decimal(6),
    ),
    ParameterSpec(
        "tekun.min_wage",
        "money",
        "yuan per month",
        "当地最低工资标准 (monthly), the base of care amounts given as shares [L]",
        minimum=Decimal(0),
        exclusive_minimum=True,
        maximum=Decimal(1_000_000),
    ),
    _years("tekun.supporter_dibao_min_age", "§8: a dibao supporter aged ≥ this is unable ([N] 60)"),
    _years(
        "tekun.supporter_old_age", "§8: supporter aged ≥ this with low income is unable ([N] 70)"
    ),
)
