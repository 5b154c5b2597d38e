"""Edge households, single-person households and rigid-expenditure households (rules.md §5; R-CA-07).

Pure functions run after the dibao test for households that do not get dibao as a whole.
"""

from __future__ import annotations

from decimal import Decimal

from socialaid.benefits.domain.dibao_amount import addons, pct
from socialaid.benefits.domain.dibao_assets import check_assets, edge_limits
from socialaid.benefits.domain.dibao_income import HouseholdIncome, jobless_severely_disabled_adult
from socialaid.benefits.domain.household import Household, Member
from socialaid.benefits.domain.parameters import ParameterSet
from socialaid.benefits.domain.result import InvalidHousehold, require, round_half_up, yuan
from socialaid.benefits.domain.trace import Trace

ZERO = Decimal(0)
REF_EDGE = "低保边缘家庭认定 [N] (人均收入低于低保标准1.5倍); rules.md §5"
REF_SINGLE = "最低生活保障审核确认办法(2021) 第八条 [N §8]; 民政部2022年通知; rules.md §5"
REF_RIGID = "刚性支出困难家庭认定办法 (2025-01-01施行) [N; 比例 L]; rules.md §5"


def edge(h: Household, n: int, income: Decimal, params: ParameterSet, trace: Trace) -> bool | None:
    """Not dibao, per-capita income < edge.multiplier × standard, assets within the edge limits.
    None when no edge multiplier is in force."""
    p_mult = params.get("edge.multiplier")
    if p_mult is None:
        return None
    p_std = params["dibao.standard"]
    line = p_mult.decimal * p_std.decimal
    below = income < line * n  # exact: per-capita < line
    fails = check_assets(h, n, p_std, edge_limits(params), trace, rule_id="EDGE-02")
    is_edge = below and not fails
    pc = round_half_up(income / n)
    trace.add(
        "EDGE-01",
        REF_EDGE,
        inputs={"per_capita_income": pc, "household_size": n},
        parameters=(p_mult, p_std),
        result={
            "edge_line_per_capita": round_half_up(line),
            "income_below_edge_line": below,
            "assets_within_edge_limits": not fails,
            "edge_household": is_edge,
        },
        explanation=(
            f"人均收入{yuan(pc)}元{'低于' if below else '不低于'}低保标准的{p_mult.decimal}倍"
            f"({yuan(round_half_up(line))}元)，财产{'符合' if not fails else '不符合'}低保边缘家庭标准"
            + (
                "，认定为低保边缘家庭(不发低保金，可享受医疗、教育、住房、就业和临时救助)。"
                if is_edge
                else "，不属于低保边缘家庭。"
            )
        ),
    )
    return is_edge


def _single_basis(m: Member, h: Household) -> str | None:
    if m.disability_grade is not None and m.disability_grade <= 2:
        return "一、二级残疾"
    if m.severe_disability:
        return "三级智力、精神残疾"
    if m.serious_illness:
        return "重病"
    if jobless_severely_disabled_adult(m, h):
        return "无就业的成年重度残疾人"
    return None


def single_person(
    h: Household,
    counted: tuple[Member, ...],
    hi: HouseholdIncome,
    is_edge: bool | None,
    params: ParameterSet,
    trace: Trace,
) -> tuple[bool, Decimal, list[str]]:
    """单人户: in an edge household, one qualifying member assessed alone.

    Amount = standard − the member's own countable income + their add-on (exact; the caller
    rounds). Own income: the member's counted categories after their own deductions; imputed
    support from relatives outside the household is a household figure and is not attributed.
    """
    mid = h.single_person_member_id
    member = next((m for m in counted if m.member_id == mid), None)
    if member is None:
        raise InvalidHousehold(f"single_person_member_id {mid!r} is not a counted member")
    if is_edge is None:
        require(params, ("edge.multiplier",))
    p_std = params["dibao.standard"]
    std = p_std.decimal
    basis = _single_basis(member, h)
    own = max(ZERO, hi.by_member[member.member_id].net)
    codes: list[str] = []
    if not is_edge:
        codes.append("SINGLE_PERSON_NOT_EDGE_HOUSEHOLD")
    if basis is None:
        codes.append("SINGLE_PERSON_NOT_QUALIFYING")
    if own >= std:
        codes.append("SINGLE_PERSON_INCOME_NOT_BELOW_STANDARD")
    eligible = not codes
    trace.add(
        "DIBAO-SP-01",
        REF_SINGLE,
        inputs={
            "member_id": member.member_id,
            "edge_household": bool(is_edge),
            "basis": basis,
            "own_countable_income": round_half_up(own),
        },
        parameters=(p_std,),
        result={"eligible": eligible, "codes": codes},
        explanation=(
            f"低保边缘家庭中的{member.member_id}({basis})单独提出申请，按单人户认定：本人收入"
            f"{yuan(round_half_up(own))}元低于低保标准{yuan(std)}元。"
            if eligible
            else f"{member.member_id}不能按单人户纳入低保："
            + "；".join(
                {
                    "SINGLE_PERSON_NOT_EDGE_HOUSEHOLD": "其家庭不是低保边缘家庭",
                    "SINGLE_PERSON_NOT_QUALIFYING": "本人不属于重病、重度残疾人员",
                    "SINGLE_PERSON_INCOME_NOT_BELOW_STANDARD": "本人收入不低于低保标准",
                }[c]
                for c in codes
            )
            + "。"
        ),
    )
    if not eligible:
        return False, ZERO, codes
    addon = addons((member,), h, p_std, params, trace)
    amount = std - own + addon
    trace.add(
        "DIBAO-SP-02",
        REF_SINGLE,
        inputs={"standard": std, "own_countable_income": own, "addon": addon},
        parameters=(p_std,),
        result={"amount": round_half_up(amount)},
        explanation=(
            f"单人户保障金=低保标准{yuan(std)}元−本人收入{yuan(round_half_up(own))}元"
            f"+分类施保{yuan(round_half_up(addon))}元={yuan(round_half_up(amount))}元(四舍五入至分)。"
        ),
    )
    return True, amount, ["SINGLE_PERSON_HOUSEHOLD"]


def rigid(h: Household, n: int, income: Decimal, params: ParameterSet, trace: Trace) -> bool | None:
    """刚性支出困难家庭 (not dibao, tekun or edge; checked by the caller): per-capita income below
    last year's per-capita disposable income, assets within the edge limits, and rigid spending
    over 12 months ≥ rigid.share_of_income × income over the same 12 months. None when the rule
    is not in force (its parameters start on 2025-01-01)."""
    p_share = params.get("rigid.share_of_income")
    p_line = params.get("rigid.disposable_income_last_year")
    if p_share is None or p_line is None:
        return None
    income_12m = h.last_year_income_12m if h.last_year_income_12m is not None else income * 12
    pc_year = income_12m / n
    income_ok = pc_year < p_line.decimal
    fails = check_assets(
        h, n, params["dibao.standard"], edge_limits(params), trace, rule_id="RIGID-02"
    )
    need = p_share.decimal * income_12m
    spending_ok = h.rigid_expenses_12m > 0 and h.rigid_expenses_12m >= need
    is_rigid = income_ok and not fails and spending_ok
    p_valid = params.get("rigid.valid_months")
    trace.add(
        "RIGID-01",
        REF_RIGID,
        inputs={
            "income_12m": income_12m,
            "rigid_expenses_12m": h.rigid_expenses_12m,
            "household_size": n,
        },
        parameters=tuple(p for p in (p_share, p_line, p_valid) if p is not None),
        result={
            "per_capita_income_year": round_half_up(pc_year),
            "income_below_line": income_ok,
            "assets_within_limits": not fails,
            "rigid_share_met": spending_ok,
            "rigid_expenditure_household": is_rigid,
            "valid_months": None if p_valid is None else p_valid.decimal,
        },
        explanation=(
            f"近12个月人均收入{yuan(round_half_up(pc_year))}元"
            f"{'低于' if income_ok else '不低于'}上年度人均可支配收入{yuan(p_line.decimal)}元；"
            f"刚性支出{yuan(h.rigid_expenses_12m)}元{'达到' if spending_ok else '未达到'}"
            f"家庭收入的{pct(p_share.decimal)}({yuan(round_half_up(need))}元)；"
            f"财产{'符合' if not fails else '不符合'}规定"
            + (
                "，认定为刚性支出困难家庭"
                + (f"(有效期不超过{p_valid.decimal}个月)。" if p_valid is not None else "。")
                if is_rigid
                else "，不属于刚性支出困难家庭。"
            )
        ),
    )
    return is_rigid
