"""The dibao monthly amount: gap or tier method, classified add-ons, floor (rules.md §4; R-CA-02/03).

Exact arithmetic throughout; the caller rounds the household amount HALF_UP to 0.01 once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialaid.benefits.domain import dibao_params as P
from socialaid.benefits.domain.dibao_income import ADULT_AGE
from socialaid.benefits.domain.household import Household, Member
from socialaid.benefits.domain.parameters import ParameterSet, ParameterUsed
from socialaid.benefits.domain.result import require, round_half_up, yuan
from socialaid.benefits.domain.trace import Trace

ZERO = Decimal(0)
REF_GAP = "差额法 [N §23]; rules.md §4"
REF_TIERS = "分档法 [N §23; 档次 L]; rules.md §4"
REF_ADDON = "分类施保 [N §27; 比例 L]; rules.md §4"
REF_FLOOR = "地方保底补差 [L] dibao.min_per_capita; rules.md §4"


def pct(rate: Decimal) -> str:
    """0.30 → "30%" (for the 说明 lines)."""
    return f"{(rate * 100).normalize():f}%"


ADDON_ZH = {
    "serious_illness": "重病",
    "severe_disability": "重度残疾",
    "aged_70": "高龄老人",
    "minor": "未成年人",
}


def addon_category(
    m: Member, h: Household, rates: dict[str, Decimal], elderly_age: int
) -> tuple[str | None, Decimal]:
    """The member's highest add-on category (no stacking); ties go to the first listed."""
    age = m.age_on(h.first_day)
    applicable = [
        c
        for c, applies in (
            ("serious_illness", m.serious_illness),
            ("severe_disability", m.severe_disability),
            ("aged_70", age >= elderly_age),
            ("minor", age < ADULT_AGE),
        )
        if applies
    ]
    if not applicable:
        return None, ZERO
    best = max(applicable, key=lambda c: (rates[c], -P.ADDON_CATEGORIES.index(c)))
    return best, rates[best]


def addons(
    paid: tuple[Member, ...],
    h: Household,
    standard: ParameterUsed,
    params: ParameterSet,
    trace: Trace,
) -> Decimal:
    """Σ over paid members of (highest category rate) × standard; 0 without an add-on table."""
    p_rates = params.get("dibao.addon_rates")
    if p_rates is None:
        return ZERO
    require(params, ("dibao.addon_elderly_age",))
    p_age = params["dibao.addon_elderly_age"]
    rates = P.addon_rates(p_rates)
    rows: dict[str, dict[str, Any]] = {}
    total = ZERO
    for m in paid:
        cat, rate = addon_category(m, h, rates, int(p_age.decimal))
        amount = rate * standard.decimal
        total += amount
        rows[m.member_id] = {"category": cat, "rate": rate, "addon": round_half_up(amount)}
    named = [
        f"{mid}({ADDON_ZH[r['category']]}{pct(r['rate'])})"
        for mid, r in rows.items()
        if r["category"]
    ]
    trace.add(
        "DIBAO-AMT-ADDON",
        REF_ADDON,
        inputs={"members": [m.member_id for m in paid]},
        parameters=(p_rates, p_age, standard),
        result={"members": rows, "addons": round_half_up(total)},
        explanation=(
            "分类施保按低保标准的比例逐人增发，同一人符合多类只按最高一类，不叠加："
            + ("、".join(named) if named else "无符合条件的成员")
            + f"，合计增发{yuan(round_half_up(total))}元。"
        ),
    )
    return total


def base_amount(
    n: int,
    paid: int,
    income: Decimal,
    standard: ParameterUsed,
    params: ParameterSet,
    trace: Trace,
) -> Decimal | None:
    """The amount before add-ons for ``paid`` of the ``n`` counted members; None = no tier applies.

    Gap: (standard − per-capita income) × paid, which is standard × n − income when everyone is
    paid. Tiers: the first tier whose (exclusive) bound is above the per-capita income pays its
    fixed amount per paid person.
    """
    std = standard.decimal
    per_capita = income / n
    method = P.method(params)
    p_method = params.get("dibao.method")
    if method == "tiers":
        require(params, ("dibao.tiers",))
        p_tiers = params["dibao.tiers"]
        table = P.tiers(p_tiers)
        hit = next(((t, b, a) for t, b, a in table if b is None or per_capita < b), None)
        base = None if hit is None else hit[2] * paid
        trace.add(
            "DIBAO-AMT-TIER",
            REF_TIERS,
            inputs={"per_capita_income": round_half_up(per_capita), "paid_members": paid},
            parameters=tuple(p for p in (p_method, p_tiers, standard) if p is not None),
            result={
                "tier": None if hit is None else hit[0],
                "amount_per_person": None if hit is None else hit[2],
                "base": None if base is None else round_half_up(base),
            },
            explanation=(
                f"分档法：人均收入{yuan(round_half_up(per_capita))}元，"
                + (
                    f"属{hit[0]}档，每人每月{yuan(hit[2])}元×{paid}人={yuan(hit[2] * paid)}元。"
                    if hit is not None
                    else "不属于任何一档，不予发放。"
                )
            ),
        )
    else:
        base = (std * n - income) * paid / n
        trace.add(
            "DIBAO-AMT-GAP",
            REF_GAP,
            inputs={"standard": std, "household_size": n, "paid_members": paid, "income": income},
            parameters=tuple(p for p in (p_method, standard) if p is not None),
            result={"base": round_half_up(base)},
            explanation=(
                f"差额法：低保标准{yuan(std)}元×{n}人−家庭月收入{yuan(round_half_up(income))}元"
                f"={yuan(round_half_up(std * n - income))}元"
                + (
                    f"；{n - paid}人不享受本人份额，按人均差额×{paid}人={yuan(round_half_up(base))}元。"
                    if paid != n
                    else "。"
                )
            ),
        )
    if base is None:
        return None
    p_floor = params.get("dibao.min_per_capita")
    if p_floor is not None and p_floor.decimal > 0:
        floor = p_floor.decimal * paid
        raised = base < floor
        base = max(base, floor)
        trace.add(
            "DIBAO-AMT-FLOOR",
            REF_FLOOR,
            inputs={"paid_members": paid},
            parameters=(p_floor,),
            result={"floor": floor, "raised_to_floor": raised, "base": round_half_up(base)},
            explanation=(
                f"保底：每人每月不低于{yuan(p_floor.decimal)}元"
                + (f"，按保底发放{yuan(floor)}元。" if raised else "，未触及保底。")
            ),
        )
    return base
