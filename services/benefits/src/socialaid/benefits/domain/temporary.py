"""Temporary assistance (临时救助): emergency or expenditure-driven (R-CA-09, R-CA-12).

Amount = tier multiple × the monthly dibao standard, within [0, max] multiples (emergency: at
least the emergency minimum), rounded HALF_UP to 0.01 once; uninsured unemployed people in
hardship add a one-off grant (seed 001). Approval: township up to the township limit × the
standard, otherwise county. One event → one grant per year. Emergency aid is paid first and
documented after (flag AID_FIRST); expenditure aid needs per-capita countable income strictly
below last year's per-capita disposable income ÷ 12 (rules.md §9).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, get_args

from socialaid.benefits.domain.household import Household, IncomeCategory, TemporaryRequest
from socialaid.benefits.domain.parameters import (
    ParameterSet,
    ParameterSpec,
    ParameterUsed,
)
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    MissingParameters,
    require,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "temporary"
RULE_SET_VERSION = "temporary/2026.1"
ZERO = Decimal("0.00")
INCOME_CATEGORIES = frozenset(get_args(IncomeCategory))
EXCLUDED_NATIONAL = frozenset(
    {
        "social_assistance",
        "veterans",
        "family_planning",
        "scholarship",
        "good_samaritan_award",
        "pension_central_basic",
    }
)

REF_EVENT = "关于进一步加强和改进临时救助工作的意见(2018) 二(一); 同一事由一年内原则上救助一次 [L]; rules.md §9"
REF_KIND = (
    "关于进一步加强和改进临时救助工作的意见(2018) 一、二(急难型先行救助, 支出型); rules.md §9"
)
REF_INCOME = "关于进一步加强和改进临时救助工作的意见(2018) 一(支出型: 人均收入低于上年度人均可支配收入); rules.md §2, §9"
REF_AMOUNT = (
    "社会救助暂行办法 第五十条; 救助标准为低保标准的倍数 [L ≤10倍, 急难型≥2倍]; rules.md §9"
)
REF_APPROVAL = (
    "社会救助暂行办法 第四十九条; 审批权限 [L 乡镇≤3倍低保标准, 以上由县级审批]; rules.md §9"
)
REF_UNEMPLOYED = "001 §一(未参保失业人员临时救助); R-CA-09; rules.md §9"


def _multiple(key: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key,
        "decimal",
        "× monthly dibao standard",
        description,
        minimum=Decimal(0),
        maximum=Decimal(100),
    )


PARAMETERS: tuple[ParameterSpec, ...] = (
    _multiple(
        "temporary.max_multiple", "临时救助上限: at most this multiple of the standard ([L] 10)"
    ),
    _multiple("temporary.min_emergency_multiple", "急难型: at least this multiple ([L] 2)"),
    _multiple(
        "temporary.township_limit_multiple",
        "乡镇审批权限: amounts up to this multiple are approved by the township ([L] 3)",
    ),
    ParameterSpec(
        "temporary.disposable_income_last_year",
        "money",
        "yuan per person per year",
        "支出型: per-capita income below last year's per-capita disposable income (rules.md §9)",
        minimum=Decimal(0),
        exclusive_minimum=True,
        maximum=Decimal(10_000_000),
    ),
    ParameterSpec(
        "temporary.unemployed_grant",
        "money",
        "yuan, one-off",
        "未参保失业人员: one-off temporary grant (seed 001) [D]",
        minimum=Decimal(0),
        maximum=Decimal(1_000_000),
    ),
)
REQUIRED_KEYS: tuple[str, ...] = (
    "dibao.standard",
    "temporary.max_multiple",
    "temporary.min_emergency_multiple",
    "temporary.township_limit_multiple",
)
OPTIONAL_KEYS: tuple[str, ...] = (
    "temporary.disposable_income_last_year",  # needed by the expenditure kind
    "temporary.unemployed_grant",  # needed for uninsured unemployed people
    "income.excluded_categories",  # local income exclusions (declared by the dibao module)
)


def _need(params: ParameterSet, key: str) -> ParameterUsed:
    if key not in params:
        raise MissingParameters([key])
    return params[key]


def _request(h: Household) -> TemporaryRequest:
    t = h.temporary
    if t is None:
        raise InvalidHousehold("a temporary assessment needs the temporary request")
    if t.grants_this_year_for_event < 0 or t.necessary_expense < 0:
        raise InvalidHousehold("grant counts and expenses are never negative")
    if t.tier_multiple is not None and t.tier_multiple <= 0:
        raise InvalidHousehold("tier_multiple must be positive")
    if t.tier_multiple is None and t.kind == "expenditure" and t.necessary_expense == 0:
        raise InvalidHousehold("expenditure aid needs a tier_multiple or the necessary_expense")
    return t


def _result(
    eligible: bool, amount: Decimal, codes: list[str], params: ParameterSet, trace: Trace, **kw: Any
) -> Assessment:
    return Assessment(
        programme=PROGRAMME,
        eligible=eligible,
        amount=amount,
        reason_codes=tuple(codes),
        parameters=tuple(params[k] for k in REQUIRED_KEYS + OPTIONAL_KEYS if k in params),
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        **kw,
    )


def assess(household: Household, params: ParameterSet) -> Assessment:
    """Assess one temporary-assistance request with the parameters in force for the month."""
    require(params, REQUIRED_KEYS)
    req = _request(household)
    trace = Trace()
    codes: list[str] = [req.kind.upper()]
    flags = frozenset({"AID_FIRST"}) if req.kind == "emergency" else frozenset()
    once = req.grants_this_year_for_event == 0
    trace.add(
        "TEMP-EVENT-01",
        REF_EVENT,
        inputs={
            "event_id": req.event_id,
            "grants_this_year_for_event": req.grants_this_year_for_event,
        },
        result={"first_grant_for_event": once},
        explanation=(
            f"事由{req.event_id}本年度尚未获得临时救助。"
            if once
            else f"事由{req.event_id}本年度已获临时救助{req.grants_this_year_for_event}次，同一事由一年内只救助一次。"
        ),
    )
    if not once:
        return _result(False, ZERO, [*codes, "ONE_GRANT_PER_EVENT"], params, trace, flags=flags)
    trace.add(
        "TEMP-KIND-01",
        REF_KIND,
        inputs={"kind": req.kind},
        result={"aid_first": req.kind == "emergency"},
        explanation=(
            "急难型临时救助：先行救助，事后补办手续。"
            if req.kind == "emergency"
            else "支出型临时救助：须家庭人均收入低于上年度当地居民人均可支配收入。"
        ),
    )
    if req.kind == "expenditure" and not _income_below(household, params, trace):
        return _result(False, ZERO, [*codes, "INCOME_NOT_BELOW_LINE"], params, trace, flags=flags)

    p_std, p_max = params["dibao.standard"], params["temporary.max_multiple"]
    p_min = params["temporary.min_emergency_multiple"]
    standard = p_std.decimal
    if req.tier_multiple is not None:
        requested, basis = req.tier_multiple, f"评定档次{req.tier_multiple}倍"
    elif req.kind == "emergency":
        requested, basis = p_min.decimal, "未评定档次，按急难型最低倍数"
    else:
        requested = req.necessary_expense / standard
        basis = f"必需支出{yuan(req.necessary_expense)}元÷低保标准"
    low = p_min.decimal if req.kind == "emergency" else Decimal(0)
    applied = min(max(requested, low), p_max.decimal)
    if requested < low:
        codes.append("RAISED_TO_EMERGENCY_MINIMUM")
    if requested > p_max.decimal:
        codes.append("CAPPED_AT_MAX_MULTIPLE")
    assistance = round_half_up(applied * standard)
    trace.add(
        "TEMP-AMT-01",
        REF_AMOUNT,
        inputs={
            "kind": req.kind,
            "requested_multiple": requested,
            "necessary_expense": req.necessary_expense,
        },
        parameters=(p_std, p_max, p_min),
        result={"applied_multiple": applied, "assistance": assistance},
        explanation=(
            f"{basis}，在{'急难型' + str(p_min.decimal) + '倍至' if req.kind == 'emergency' else ''}"
            f"{p_max.decimal}倍上限内取{applied.normalize():f}倍；救助金={yuan(standard)}元×"
            f"{applied.normalize():f}={yuan(assistance)}元(四舍五入至分)。"
        ),
    )
    breakdown = {"temporary_assistance": assistance}
    if req.uninsured_unemployed:
        p_unemp = _need(params, "temporary.unemployed_grant")
        breakdown["unemployed_grant"] = p_unemp.decimal
        codes.append("UNINSURED_UNEMPLOYED_GRANT")
        trace.add(
            "TEMP-UNEMP-01",
            REF_UNEMPLOYED,
            inputs={"uninsured_unemployed": True},
            parameters=(p_unemp,),
            result={"unemployed_grant": p_unemp.decimal},
            explanation=f"未参加失业保险的失业人员生活困难，另给予一次性临时救助{yuan(p_unemp.decimal)}元。",
        )
    amount = sum(breakdown.values(), ZERO)
    p_town = params["temporary.township_limit_multiple"]
    limit = p_town.decimal * standard
    level = "township" if amount <= limit else "county"
    trace.add(
        "TEMP-APPR-01",
        REF_APPROVAL,
        inputs={"amount": amount},
        parameters=(p_town, p_std),
        result={"township_limit": round_half_up(limit), "approval_level": level},
        explanation=(
            f"救助金额合计{yuan(amount)}元，"
            + ("未超过" if level == "township" else "超过")
            + f"低保标准{p_town.decimal}倍({yuan(round_half_up(limit))}元)，由"
            + ("乡镇(街道)审批。" if level == "township" else "县级民政部门审批。")
        ),
    )
    return _result(
        amount > 0,
        amount,
        codes,
        params,
        trace,
        flags=flags,
        approval_level=level,
        breakdown=breakdown,
        figures={"standard": standard, "applied_multiple": applied, "event_id": req.event_id},
    )


def _income_below(h: Household, params: ParameterSet, trace: Trace) -> bool:
    members = h.counted_members
    if not members:
        raise InvalidHousehold("expenditure aid needs the household's counted members")
    p_line = _need(params, "temporary.disposable_income_last_year")
    p_local = params.get("income.excluded_categories")
    excluded = EXCLUDED_NATIONAL | (frozenset(p_local.value) if p_local else frozenset())
    total = Decimal(0)
    for m in members:
        for cat, value in m.incomes.items():
            if cat not in INCOME_CATEGORIES:
                raise InvalidHousehold(f"unknown income category {cat!r}")
            if value < 0:
                raise InvalidHousehold(f"income {cat} of {m.member_id} is negative")
            if cat == "support_paid":
                total -= value
            elif cat not in excluded:
                total += value
    total = max(Decimal(0), total)
    n = len(members)
    below = total * 12 < p_line.decimal * n  # exact: per-capita monthly < annual line ÷ 12
    per_capita = round_half_up(total / n)
    monthly_line = round_half_up(p_line.decimal / 12)
    trace.add(
        "TEMP-INC-01",
        REF_INCOME,
        inputs={"monthly_income": total, "household_size": n},
        parameters=(p_line,) + ((p_local,) if p_local else ()),
        result={"per_capita_income": per_capita, "monthly_line": monthly_line, "below_line": below},
        explanation=(
            f"家庭月可计收入{yuan(total)}元÷{n}人=人均{yuan(per_capita)}元，"
            + ("低于" if below else "不低于")
            + f"上年度人均可支配收入{yuan(p_line.decimal)}元÷12={yuan(monthly_line)}元。"
        ),
    )
    return below
