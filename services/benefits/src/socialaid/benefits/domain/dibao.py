"""Dibao (最低生活保障): eligibility, amount, flags and review (R-CA-01/02/03/06/07/12, R-IN-12).

``assess(household, params)`` is a pure function of the household and the parameters in force on
the first day of the benefit month. The steps, each a trace step with its rule id:

1. household unit (§1) — counted members; excluded categories; admitted whole;
2. income (§2) — counted/excluded categories, employment costs, support paid and imputed, rigid
   medical costs; the household figure never goes below 0;
3. assets (§3) — financial, vehicles, properties, registered business;
4. eligibility (§4) — per-capita income strictly below the standard (exact: income < standard × n)
   and assets within the limits;
5. amount (§4) — gap or tiers, minus the shares of members who refused work (§6), optional floor,
   classified add-ons (highest category only), HALF_UP to 0.01 once on the household amount;
6. continuations (§6) — first-business quarter and gradual exit keep the previous amount;
7. flags (§5) — edge household, single-person household, rigid-expenditure household;
8. review frequency (§12) and approval level (county).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final, Literal

from socialaid.benefits.domain import dibao_params, review
from socialaid.benefits.domain.dibao_amount import addons, base_amount
from socialaid.benefits.domain.dibao_assets import ZH as ASSET_ZH
from socialaid.benefits.domain.dibao_assets import check_assets, dibao_limits
from socialaid.benefits.domain.dibao_income import household_income, household_unit, validate
from socialaid.benefits.domain.dibao_special import edge, rigid, single_person
from socialaid.benefits.domain.dibao_work import first_business, taper, withheld_members
from socialaid.benefits.domain.household import Household
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec
from socialaid.benefits.domain.result import (
    Assessment,
    require,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "dibao"
RULE_SET_VERSION = "dibao/2026.2"
PARAMETERS: tuple[ParameterSpec, ...] = dibao_params.PARAMETERS + review.PARAMETERS
REQUIRED_KEYS: tuple[str, ...] = (
    "dibao.standard",
    "dibao.fin_assets_months",
    "dibao.vehicle_exempt_value",
    "dibao.max_properties",
    "dibao.employment_cost_rate",
)
# Read when present; a few are required by the situation (tiers for the tier method, the support
# rates when relatives outside the household owe support, …) and then named in MissingParameters.
OPTIONAL_KEYS: tuple[str, ...] = tuple(s.key for s in PARAMETERS if s.key not in REQUIRED_KEYS)
APPROVAL_LEVEL: Final = "county"  # 县级民政部门审核确认 (rules.md §11)

VehicleKind = Literal["car", "motorcycle", "ebike", "disability_mobility", "agricultural"]

ZERO = Decimal("0.00")
REF_ELIGIBLE = "社会救助暂行办法 第九条 (人均收入低于当地低保标准, 严格小于); rules.md §4"
REF_TOTAL = "rules.md §4 (家庭保障金精确计算后四舍五入至分, HALF_UP)"
REF_INCOME_TEST = (
    "最低生活保障审核确认办法(2021) 第十三条; 社会救助暂行办法 第九条; rules.md §2, §4"
)
ZH = {
    **ASSET_ZH,
    "INCOME_NOT_BELOW_STANDARD": "人均收入不低于低保标准",
    "NO_TIER_APPLIES": "人均收入不属于任何档次",
    "NO_COUNTED_MEMBERS": "没有可计入的共同生活家庭成员",
}


def _used(params: ParameterSet) -> tuple[Any, ...]:
    return tuple(params[k] for k in REQUIRED_KEYS + OPTIONAL_KEYS if k in params)


def assess(household: Household, params: ParameterSet) -> Assessment:
    """Assess one household for one benefit month with the parameters in force for it."""
    h = household
    require(params, REQUIRED_KEYS)
    validate(h)
    trace = Trace()
    p_std = params["dibao.standard"]
    std = p_std.decimal
    counted = household_unit(h, trace)
    n = len(counted)
    figures: dict[str, Any] = {
        "standard": std,
        "household_size": n,
        "method": dibao_params.method(params),
    }
    if n == 0:
        trace.add(
            "DIBAO-ELIG-01",
            REF_ELIGIBLE,
            inputs={"household_size": 0},
            result={"eligible": False, "reason_codes": ["NO_COUNTED_MEMBERS"]},
            explanation="没有可计入的共同生活家庭成员，不能认定为低保家庭，保障金为0元。",
        )
        return Assessment(
            PROGRAMME, False, ZERO, ("NO_COUNTED_MEMBERS",), _used(params), trace,
            RULE_SET_VERSION, approval_level=APPROVAL_LEVEL,
            figures={**figures, "per_capita_income": None},
        )  # fmt: skip

    hi = household_income(h, counted, std, params, trace)
    income = hi.total
    below = income < std * n  # strictly below: equal is not eligible (rules.md §4)
    pc = round_half_up(income / n)
    trace.add(
        "DIBAO-INC-02",
        REF_INCOME_TEST,
        inputs={"imputed_support": round_half_up(hi.imputed_support), "household_size": n},
        parameters=(p_std,),
        result={
            "countable_income": round_half_up(income),
            "per_capita_income": pc,
            "income_below_standard": below,
        },
        explanation=(
            f"家庭月可计收入{yuan(round_half_up(income))}元÷{n}人=人均{yuan(pc)}元，"
            + ("低于" if below else "不低于")
            + f"低保标准{yuan(std)}元(须严格低于标准，按精确值比较)。"
        ),
    )
    codes = ["INCOME_BELOW_STANDARD" if below else "INCOME_NOT_BELOW_STANDARD", *hi.codes]
    flags: set[str] = set()
    breakdown: dict[str, Decimal] = {}

    business = first_business(h, counted, params, trace)
    fails = check_assets(
        h, n, p_std, dibao_limits(params), trace,
        rule_id="DIBAO-AST-01", business_disregarded=business is not None,
    )  # fmt: skip
    codes += fails
    eligible = False
    exact = Decimal(0)
    paid = counted
    if business is not None and not fails:
        eligible, exact = True, business.amount
        flags.add(business.flag)
        codes.append(business.code)
        figures.update(business.figures)
        breakdown["continued_amount"] = business.amount
    elif below and not fails:
        withheld = withheld_members(counted, params, trace)
        paid = tuple(m for m in counted if m not in withheld)
        base = base_amount(n, len(paid), income, p_std, params, trace)
        if base is None:
            codes.append("NO_TIER_APPLIES")
        else:
            add = addons(paid, h, p_std, params, trace)
            eligible, exact = True, base + add
            breakdown.update(base=round_half_up(base), addons=round_half_up(add))
            if withheld:
                codes.append("MEMBER_SHARE_WITHHELD")
                figures["withheld_members"] = [m.member_id for m in withheld]
    elif not fails:
        cont, code = taper(h, params, trace)
        if code:
            codes.append(code)
        if cont is not None:
            eligible, exact = True, cont.amount
            flags.add(cont.flag)
            figures.update(cont.figures)
            breakdown["continued_amount"] = cont.amount

    trace.add(
        "DIBAO-ELIG-01",
        REF_ELIGIBLE,
        inputs={"income_below_standard": below, "assets_within_limits": not fails},
        result={"eligible": eligible, "reason_codes": list(codes)},
        explanation=(
            "符合低保条件(整户纳入)。"
            if eligible
            else "家庭整体不符合低保条件：" + "、".join(ZH[c] for c in codes if c in ZH) + "。"
        ),
    )

    if not eligible:
        is_edge = edge(h, n, income, params, trace)
        if is_edge:
            flags.add("EDGE_HOUSEHOLD")
            codes.append("EDGE_HOUSEHOLD")
        if h.single_person_member_id is not None:
            ok, sp_amount, sp_codes = single_person(h, counted, hi, is_edge, params, trace)
            codes += sp_codes
            if ok:
                eligible, exact = True, sp_amount
                flags.add("SINGLE_PERSON")
                paid = tuple(m for m in counted if m.member_id == h.single_person_member_id)
                figures["single_person_member_id"] = h.single_person_member_id
                breakdown["single_person"] = round_half_up(sp_amount)
        tekun = h.previous is not None and h.previous.programme == "tekun"
        if not eligible and not is_edge and not tekun and rigid(h, n, income, params, trace):
            flags.add("RIGID_EXPENDITURE")
            codes.append("RIGID_EXPENDITURE_HOUSEHOLD")

    amount = round_half_up(exact) if eligible else ZERO
    trace.add(
        "DIBAO-AMT-01",
        REF_TOTAL,
        inputs={
            "standard": std,
            "household_size": n,
            "countable_income": round_half_up(income),
            "components": dict(breakdown),
            "eligible": eligible,
        },
        parameters=(p_std,),
        result={"amount": amount},
        explanation=(
            f"低保标准{yuan(std)}元，{n}人，家庭月收入{yuan(round_half_up(income))}元；"
            f"月保障金合计{yuan(amount)}元(精确计算后四舍五入至分)。"
            if eligible
            else "不符合低保条件，月保障金为0元。"
        ),
    )
    frequency = (
        review.review_frequency(
            h, paid if "SINGLE_PERSON" in flags else counted, income, params, trace
        )
        if eligible
        else None
    )
    figures.update(
        per_capita_income=pc,
        countable_income=round_half_up(income),
        paid_members=len(paid) if eligible else 0,
    )
    return Assessment(
        programme=PROGRAMME,
        eligible=eligible,
        amount=amount,
        reason_codes=tuple(codes),
        parameters=_used(params),
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        flags=frozenset(flags),
        approval_level=APPROVAL_LEVEL,
        review_frequency=frequency,
        breakdown=breakdown,
        figures=figures,
    )
