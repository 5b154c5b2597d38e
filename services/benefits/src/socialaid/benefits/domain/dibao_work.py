"""Work and gradual exit (rules.md §6; R-CA-06): tapering, first-business quarter, refused jobs.

Reading of "loses their own share" ([N §34], rules.md §6): the member stays a
counted member — their income still counts and the per-capita test uses every member — but the
amount is paid for the other members only: (standard − per-capita income) × (members − withheld)
under the gap method, the tier amount × (members − withheld) under tiers, and no add-on for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from socialaid.benefits.domain.household import Household, Member
from socialaid.benefits.domain.parameters import ParameterSet
from socialaid.benefits.domain.result import InvalidHousehold, require, yuan
from socialaid.benefits.domain.trace import Trace

REF_TAPER = "救助渐退 [N 民政部2022年通知]; seed 003 §5; rules.md §6"
REF_BUSINESS = "首次创业保留低保一个季度 (seed 000 §二(七)3); rules.md §6"
REF_REFUSAL = "无正当理由三次拒绝介绍的工作 [N §34]; rules.md §6"


def month_index(ym: str) -> int:
    year, month = ym.split("-")
    return int(year) * 12 + int(month) - 1


def months_between(start: str, end: str) -> int:
    return month_index(end) - month_index(start)


def next_month(ym: str) -> str:
    i = month_index(ym) + 1
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


@dataclass(frozen=True)
class Continuation:
    """The previous amount continues although the household no longer qualifies as it stands."""

    amount: Decimal
    flag: str
    code: str
    figures: dict[str, object]


def _previous_dibao(h: Household) -> bool:
    return h.previous is not None and h.previous.programme == "dibao"


def first_business(
    h: Household, counted: tuple[Member, ...], params: ParameterSet, trace: Trace
) -> Continuation | None:
    """A member with employment difficulty registered a first business: dibao stays one quarter."""
    starters = [m for m in counted if m.employment_difficulty and m.business_registered_on]
    if not _previous_dibao(h) or not starters:
        return None
    require(params, ("dibao.first_business_months",))
    p = params["dibao.first_business_months"]
    window = int(p.decimal)
    hits = []
    for m in starters:
        assert m.business_registered_on is not None
        k = months_between(m.business_registered_on.strftime("%Y-%m"), h.benefit_month)
        if 0 <= k < window:
            hits.append((m, k))
    assert h.previous is not None
    hit = hits[0] if hits else None
    trace.add(
        "DIBAO-WORK-02",
        REF_BUSINESS,
        inputs={
            "starters": {m.member_id: m.business_registered_on for m in starters},
            "benefit_month": h.benefit_month,
            "previous_amount": h.previous.monthly_amount,
        },
        parameters=(p,),
        result={
            "applies": hit is not None,
            "member_id": None if hit is None else hit[0].member_id,
            "month_of_window": None if hit is None else hit[1] + 1,
        },
        explanation=(
            f"就业困难成员{hit[0].member_id}首次创业(登记于{hit[0].business_registered_on})，"
            f"自登记起{window}个月内(本月为第{hit[1] + 1}个月)继续按原标准"
            f"{yuan(h.previous.monthly_amount)}元发放低保，经营主体与新增收入暂不计。"
            if hit is not None
            else f"首次创业保留期为登记起{window}个月，本月已不在保留期内。"
        ),
    )
    if hit is None:
        return None
    return Continuation(
        h.previous.monthly_amount,
        "FIRST_BUSINESS_QUARTER",
        "FIRST_BUSINESS_QUARTER",
        {"first_business_member": hit[0].member_id, "first_business_month": hit[1] + 1},
    )


def taper(h: Household, params: ParameterSet, trace: Trace) -> tuple[Continuation | None, str]:
    """Income rose above the line. From work: the previous amount continues for up to
    ``dibao.taper_months`` months from the taper start; otherwise it stops from the next month.
    Returns the continuation (if any) and the reason code."""
    if not _previous_dibao(h):
        return None, ""
    prev = h.previous
    assert prev is not None
    if not prev.income_rise_from_employment:
        stop = next_month(h.benefit_month)
        trace.add(
            "DIBAO-WORK-01",
            REF_TAPER,
            inputs={"previous_amount": prev.monthly_amount, "income_rise_from_employment": False},
            result={"tapering": False, "stops_from_month": stop},
            explanation=(
                "收入增加并非因成员就业，人均收入已不低于低保标准，"
                f"自决定次月({stop})起停发低保金。"
            ),
        )
        return None, "BENEFIT_STOPS"
    require(params, ("dibao.taper_months",))
    p = params["dibao.taper_months"]
    months = int(p.decimal)
    start = prev.taper_started_month or h.benefit_month
    k = months_between(start, h.benefit_month)
    if k < 0:
        raise InvalidHousehold(f"taper_started_month {start} is after the benefit month")
    continues = k < months
    trace.add(
        "DIBAO-WORK-01",
        REF_TAPER,
        inputs={
            "previous_amount": prev.monthly_amount,
            "income_rise_from_employment": True,
            "taper_started_month": start,
        },
        parameters=(p,),
        result={"tapering": continues, "taper_month": k + 1, "taper_months": months},
        explanation=(
            f"成员就业使人均收入超过低保标准，实行救助渐退：自{start}起最长{months}个月"
            + (
                f"继续按原金额{yuan(prev.monthly_amount)}元发放(本月为第{k + 1}个月)。"
                if continues
                else f"，渐退期已满(本月为第{k + 1}个月)，停发低保金。"
            )
        ),
    )
    if not continues:
        return None, "TAPER_ENDED"
    return (
        Continuation(
            prev.monthly_amount,
            "TAPERING",
            "TAPERING",
            {"taper_started_month": start, "taper_month": k + 1, "taper_months": months},
        ),
        "TAPERING",
    )


def withheld_members(
    counted: tuple[Member, ...], params: ParameterSet, trace: Trace
) -> tuple[Member, ...]:
    """Fit, unemployed members who refused suitable work ≥ ``dibao.job_refusal_limit`` times."""
    refusing = [m for m in counted if m.job_refusals > 0]
    if not refusing:
        return ()
    require(params, ("dibao.job_refusal_limit",))
    p = params["dibao.job_refusal_limit"]
    limit = int(p.decimal)
    out = tuple(
        m
        for m in refusing
        if m.labour_capacity == "full" and not m.employed and m.job_refusals >= limit
    )
    trace.add(
        "DIBAO-WORK-03",
        REF_REFUSAL,
        inputs={
            m.member_id: {
                "job_refusals": m.job_refusals,
                "labour_capacity": m.labour_capacity,
                "employed": m.employed,
            }
            for m in refusing
        },
        parameters=(p,),
        result={"withheld": [m.member_id for m in out]},
        explanation=(
            f"有劳动能力且未就业的成员无正当理由{limit}次以上拒绝介绍的工作，停发其本人份额"
            "(其收入仍计入家庭收入，人均收入按全部成员计算，保障金只按其余成员计发)："
            + ("、".join(m.member_id for m in out) if out else "无")
            + "。"
        ),
    )
    return out
