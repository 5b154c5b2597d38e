"""Tekun (特困人员救助供养): the three conditions and the amount (R-CA-04, R-CA-05, R-CA-12).

One person is assessed: ``single_person_member_id``, else the only counted member, else the
member whose relationship is ``applicant``. Conditions (rules.md §7): a category (elderly,
severely disabled, minor — kept on while in school), no labour capacity, no income source
(countable income strictly below the dibao standard, assets within the tekun limit) and no
supporter able to support (the §8 test runs on the supporters' facts when given). Amount =
basic standard (the larger of multiplier × dibao standard and the share of last year's
per-capita consumption ÷ 12) + care standard by the number of daily activities not managed.
Each component is rounded HALF_UP to 0.01 once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, get_args

from socialaid.benefits.domain.household import Household, IncomeCategory, Member
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    require,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.tekun_params import INCOME_ZH, fraction
from socialaid.benefits.domain.tekun_params import PARAMETERS as _PARAMETERS
from socialaid.benefits.domain.tekun_support import need, no_able_supporter
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "tekun"
RULE_SET_VERSION = "tekun/2026.1"
ZERO = Decimal("0.00")
TIER_ZH = {
    "self_care": "生活自理",
    "partial_loss": "部分丧失生活自理能力",
    "total_loss": "完全丧失生活自理能力",
}
INCOME_CATEGORIES = frozenset(get_args(IncomeCategory))
# National exclusions (rules.md §2) plus the tekun ones (特困人员认定办法 §6: basic medical and
# other social insurance benefits, old-age allowances). Local ones: income.excluded_categories.
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
EXCLUDED_TEKUN = frozenset({"medical_insurance", "old_age_allowance"})
SCHOOL_KEPT_ON = frozenset({"primary", "junior_secondary", "senior_secondary", "vocational"})

REF_CATEGORY = "特困人员认定办法(2021) 第四条、第五条; 001 §二(年龄由16周岁提至18周岁); rules.md §7"
REF_LABOUR = "特困人员认定办法(2021) 第七条(无劳动能力); rules.md §7"
REF_INCOME = "特困人员认定办法(2021) 第六条、第十条(收入低于低保标准, 不计医疗保险待遇、高龄津贴); rules.md §2, §7"
REF_ASSETS = "特困人员认定办法(2021) 第六条(财产符合当地特困人员财产状况规定 [L]); rules.md §7"
REF_ELIG = "社会救助暂行办法 第十四条; 特困人员认定办法(2021) 第四条; rules.md §7"
REF_BASIC = "001 §二(基本生活标准不低于低保标准1.3倍 [L]); 002 §二(二)2(不低于上年度人均消费支出60%); rules.md §7"
REF_CARE = "特困人员认定办法(2021) 第二十一条、第二十二条; 001 §二(照料护理标准); rules.md §7"

ZH = {
    "NO_TEKUN_CATEGORY": "不属于老年人、重度残疾人或未成年人范围",
    "HAS_LABOUR_CAPACITY": "具有劳动能力",
    "INCOME_NOT_BELOW_STANDARD": "收入不低于当地低保标准",
    "ASSETS_OVER_TEKUN_LIMIT": "财产超过特困人员财产状况规定",
    "SUPPORTER_ABLE": "有具备履行义务能力的法定义务人",
}


PARAMETERS: tuple[ParameterSpec, ...] = _PARAMETERS
REQUIRED_KEYS: tuple[str, ...] = (
    "dibao.standard",
    "tekun.min_age_elderly",
    "tekun.minor_age",
    "tekun.labour_min_age",
    "tekun.disability_max_grade",
    "tekun.fin_assets_months",
    "tekun.basic_multiplier",
    "tekun.consumption_share",
    "tekun.consumption_last_year",
    "tekun.care_amounts",
    "tekun.care_total_min_unable",
)
# The keys of the basic living standard (``basic_standard``).
BASIC_KEYS: tuple[str, ...] = (
    "dibao.standard",
    "tekun.basic_multiplier",
    "tekun.consumption_share",
    "tekun.consumption_last_year",
)
OPTIONAL_KEYS: tuple[str, ...] = (
    "tekun.min_wage",  # needed when a care tier is a share of the minimum wage
    "tekun.supporter_dibao_min_age",  # the §8 test on supporters' facts
    "tekun.supporter_old_age",
    "rigid.disposable_income_last_year",  # §8: last year's per-capita disposable income (dibao's)
    "income.excluded_categories",  # local income exclusions (declared by the dibao module)
)


# --------------------------------------------------------------------------- conditions
def _person(h: Household) -> Member:
    by_id = {m.member_id: m for m in h.members}
    if h.single_person_member_id is not None:
        if h.single_person_member_id not in by_id:
            raise InvalidHousehold(f"member {h.single_person_member_id} is not in the household")
        person = by_id[h.single_person_member_id]
    else:
        counted = h.counted_members
        applicants = [m for m in counted if m.relationship == "applicant"]
        if len(counted) == 1:
            person = counted[0]
        elif len(applicants) == 1:
            person = applicants[0]
        else:
            raise InvalidHousehold(
                "tekun is assessed per person: name the member in single_person_member_id"
            )
    if not person.counted:
        raise InvalidHousehold(f"member {person.member_id} is excluded ({person.exclusion})")
    if person.adl_unable is not None and not 0 <= person.adl_unable <= 6:
        raise InvalidHousehold("adl_unable counts the six daily activities: 0 to 6")
    return person


def _category(
    m: Member, h: Household, params: ParameterSet, day: dt.date, trace: Trace
) -> list[str]:
    p_old, p_minor = params["tekun.min_age_elderly"], params["tekun.minor_age"]
    p_grades = params["tekun.disability_max_grade"]
    age = m.age_on(day)
    out = []
    if age >= int(p_old.decimal):
        out.append("ELDERLY")
    max_grade = p_grades.value.get(m.disability_type) if m.disability_type else None
    if m.disability_grade is not None and max_grade is not None and m.disability_grade <= max_grade:
        out.append("SEVERELY_DISABLED")
    if age < int(p_minor.decimal):
        out.append("MINOR")
    elif (
        m.in_school
        and m.school_stage in SCHOOL_KEPT_ON
        and h.previous is not None
        and h.previous.programme == PROGRAMME
    ):
        out.append("MINOR_KEPT_ON_IN_SCHOOL")
    zh = {
        "ELDERLY": f"年满{p_old.decimal}周岁的老年人",
        "SEVERELY_DISABLED": f"{m.disability_grade}级{m.disability_type}残疾",
        "MINOR": f"未满{p_minor.decimal}周岁的未成年人",
        "MINOR_KEPT_ON_IN_SCHOOL": f"年满{p_minor.decimal}周岁仍在校就读、继续享有特困供养",
    }
    trace.add(
        "TEKUN-CAT-01",
        REF_CATEGORY,
        inputs={
            "age": age,
            "disability_type": m.disability_type,
            "disability_grade": m.disability_grade,
            "in_school": m.in_school,
            "school_stage": m.school_stage,
        },
        parameters=(p_old, p_minor, p_grades),
        result={"category": out},
        explanation=(
            f"{age}周岁，属于" + "、".join(zh[c] for c in out) + "。"
            if out
            else f"{age}周岁，不属于老年人、重度残疾人(智力、精神1-3级，肢体1-2级，视力1级)或未成年人。"
        ),
    )
    return out


def _labour(
    m: Member, params: ParameterSet, day: dt.date, category: list[str], trace: Trace
) -> bool:
    p_min = params["tekun.labour_min_age"]
    young = m.age_on(day) < int(p_min.decimal)
    deemed = bool({"ELDERLY", "SEVERELY_DISABLED"} & set(category)) or young
    none = m.labour_capacity == "none" or deemed
    trace.add(
        "TEKUN-LAB-01",
        REF_LABOUR,
        inputs={"labour_capacity": m.labour_capacity, "category": category},
        parameters=(p_min,),
        result={"no_labour_capacity": none, "deemed_by_category": deemed},
        explanation=(
            "无劳动能力"
            + (
                "(老年人、重度残疾人或未满" + f"{p_min.decimal}周岁者依法视为无劳动能力)"
                if deemed
                else ""
            )
            + "。"
            if none
            else "经评估具有劳动能力，不符合特困人员条件。"
        ),
    )
    return none


def _income(m: Member, params: ParameterSet, trace: Trace) -> bool:
    for cat, value in m.incomes.items():
        if cat not in INCOME_CATEGORIES:
            raise InvalidHousehold(f"unknown income category {cat!r}")
        if value < 0:
            raise InvalidHousehold(f"income {cat} is negative")
    p_std = params["dibao.standard"]
    p_local = params.get("income.excluded_categories")
    local = frozenset(p_local.value) if p_local else frozenset()
    excluded = EXCLUDED_NATIONAL | EXCLUDED_TEKUN | local
    counted = sum(
        (v for c, v in m.incomes.items() if c not in excluded and c != "support_paid"), Decimal(0)
    )
    paid = m.incomes.get("support_paid", Decimal(0))
    income = max(Decimal(0), counted - paid)
    below = income < p_std.decimal
    left_out = sorted(c for c in m.incomes if c in excluded)
    trace.add(
        "TEKUN-INC-01",
        REF_INCOME,
        inputs={"incomes": dict(m.incomes)},
        parameters=(p_std,) + ((p_local,) if p_local else ()),
        result={
            "countable_income": round_half_up(income),
            "below_standard": below,
            "excluded": left_out,
        },
        explanation=(
            f"本人月可计收入{yuan(round_half_up(income))}元"
            + (f"(不计{'、'.join(INCOME_ZH.get(c, c) for c in left_out)})" if left_out else "")
            + ("，低于" if below else "，不低于")
            + f"低保标准{yuan(p_std.decimal)}元"
            + ("，视为无生活来源。" if below else "。")
        ),
    )
    return below


def _assets(h: Household, params: ParameterSet, trace: Trace) -> bool:
    if h.assets.financial < 0:
        raise InvalidHousehold("financial assets are negative")
    p_std, p_months = params["dibao.standard"], params["tekun.fin_assets_months"]
    n = max(1, len(h.counted_members))
    limit = p_months.decimal * p_std.decimal
    ok = h.assets.financial <= limit * n
    trace.add(
        "TEKUN-AST-01",
        REF_ASSETS,
        inputs={"financial_assets": h.assets.financial, "persons": n},
        parameters=(p_months, p_std),
        result={"per_capita_limit": round_half_up(limit), "within_limit": ok},
        explanation=(
            f"金融资产{yuan(h.assets.financial)}元({n}人)，"
            + ("未超过" if ok else "超过")
            + f"人均{p_months.decimal}个月低保标准({yuan(limit)}元)的特困人员财产限额。"
        ),
    )
    return ok


# --------------------------------------------------------------------------- amount
def assess(household: Household, params: ParameterSet) -> Assessment:
    """Assess the tekun person of ``household`` with the parameters in force for the month."""
    require(params, REQUIRED_KEYS)
    person = _person(household)
    trace = Trace()
    day = household.first_day
    category = _category(person, household, params, day, trace)
    codes: list[str] = list(category) or ["NO_TEKUN_CATEGORY"]
    no_labour = _labour(person, params, day, category, trace)
    income_ok = _income(person, params, trace)
    assets_ok = _assets(household, params, trace)
    unsupported = no_able_supporter(person, params, trace)
    for ok, code in (
        (no_labour, "HAS_LABOUR_CAPACITY"),
        (income_ok, "INCOME_NOT_BELOW_STANDARD"),
        (assets_ok, "ASSETS_OVER_TEKUN_LIMIT"),
        (unsupported, "SUPPORTER_ABLE"),
    ):
        if not ok:
            codes.append(code)
    eligible = bool(category) and no_labour and income_ok and assets_ok and unsupported
    trace.add(
        "TEKUN-ELIG-01",
        REF_ELIG,
        inputs={
            "category": category,
            "no_labour_capacity": no_labour,
            "no_income_source": income_ok and assets_ok,
            "no_able_supporter": unsupported,
        },
        result={"eligible": eligible, "reason_codes": list(codes)},
        explanation=(
            "属于特困人员范围，无劳动能力、无生活来源、无有履行能力的法定义务人，符合特困人员条件。"
            if eligible
            else "不符合特困人员条件：" + "、".join(ZH[c] for c in codes if c in ZH) + "。"
        ),
    )
    breakdown: dict[str, Decimal] = {}
    figures: dict[str, Any] = {
        "member_id": person.member_id,
        "category": category,
        "standard": params["dibao.standard"].decimal,
    }
    amount = ZERO
    if eligible:
        basic = basic_standard(params, trace)
        tier, care = _care(person, params, trace)
        amount = basic + care
        breakdown = {"basic": basic, "care": care}
        figures["care_tier"] = tier
        trace.add(
            "TEKUN-AMT-01",
            REF_BASIC,
            inputs={"basic": basic, "care": care},
            result={"amount": amount},
            explanation=f"每月供养金=基本生活标准{yuan(basic)}元+照料护理标准{yuan(care)}元={yuan(amount)}元。",
        )
    return Assessment(
        programme=PROGRAMME,
        eligible=eligible,
        amount=amount,
        reason_codes=tuple(codes),
        parameters=tuple(params[k] for k in REQUIRED_KEYS + OPTIONAL_KEYS if k in params),
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        approval_level="county" if eligible else None,
        review_frequency="annual" if eligible else None,
        breakdown=breakdown,
        figures=figures,
    )


def basic_standard(params: ParameterSet, trace: Trace) -> Decimal:
    """基本生活标准 per person per month (rules.md §7), with its trace step.

    Also the base of the tekun price subsidy (``price_subsidy``, R-CA-10)."""
    require(params, BASIC_KEYS)
    p_std, p_mult = params["dibao.standard"], params["tekun.basic_multiplier"]
    p_share, p_cons = params["tekun.consumption_share"], params["tekun.consumption_last_year"]
    by_standard = p_mult.decimal * p_std.decimal
    by_consumption = p_share.decimal * p_cons.decimal / 12
    basic = round_half_up(max(by_standard, by_consumption))
    trace.add(
        "TEKUN-BASIC-01",
        REF_BASIC,
        inputs={"dibao_standard": p_std.decimal, "consumption_last_year": p_cons.decimal},
        parameters=(p_std, p_mult, p_share, p_cons),
        result={
            "floor_by_standard": round_half_up(by_standard),
            "floor_by_consumption": round_half_up(by_consumption),
            "basic": basic,
        },
        explanation=(
            f"基本生活标准取两者较高者：低保标准{yuan(p_std.decimal)}元×{p_mult.decimal}"
            f"={yuan(round_half_up(by_standard))}元；上年度人均消费支出{yuan(p_cons.decimal)}元"
            f"×{p_share.decimal}÷12={yuan(round_half_up(by_consumption))}元；"
            f"每月{yuan(basic)}元(四舍五入至分)。"
        ),
    )
    return basic


def _care(person: Member, params: ParameterSet, trace: Trace) -> tuple[str, Decimal]:
    if person.adl_unable is None:
        raise InvalidHousehold(
            "tekun care tier needs adl_unable: how many of the six daily activities "
            "(eating, dressing, bed, toilet, indoor walking, bathing) cannot be managed"
        )
    p_tab, p_total = params["tekun.care_amounts"], params["tekun.care_total_min_unable"]
    unable = person.adl_unable
    if unable == 0:
        tier = "self_care"
    elif unable >= int(p_total.decimal):
        tier = "total_loss"
    else:
        tier = "partial_loss"
    entry = p_tab.value[tier]
    used = [p_tab, p_total]
    if "amount" in entry:
        care = round_half_up(Decimal(str(entry["amount"])))
        how = f"{yuan(care)}元"
    else:
        p_wage = need(params, "tekun.min_wage")
        used.append(p_wage)
        num, den = fraction(entry["min_wage_share"])
        care = round_half_up(p_wage.decimal * num / den)
        share = f"{num}/{den}" if den != 1 else f"{num}"
        how = f"当地最低工资{yuan(p_wage.decimal)}元×{share}={yuan(care)}元"
    trace.add(
        "TEKUN-CARE-01",
        REF_CARE,
        inputs={"adl_unable": unable},
        parameters=tuple(used),
        result={"care_tier": tier, "care": care},
        explanation=(
            f"吃饭、穿衣、上下床、如厕、室内行走、洗澡六项中{unable}项不能自理，"
            f"属于{TIER_ZH[tier]}(达到{int(p_total.decimal)}项为完全丧失)；照料护理标准{how}。"
        ),
    )
    return tier, care
