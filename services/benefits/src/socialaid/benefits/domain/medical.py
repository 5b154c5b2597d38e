"""Medical assistance (医疗救助): category, deductible, rate, annual cap (R-CA-08, R-CA-12).

grant = min(max(0, in-policy out-of-pocket − deductible) × rate, annual cap − paid this year),
rounded HALF_UP to 0.01 once (rules.md §8). The person's categories are facts of the claim
(``MedicalClaim.categories`` plus the ``illness_impoverished`` flag); a person in several
categories gets the most favourable one, once. Rates, deductibles (as a share of last year's
per-capita disposable income) and the premium subsidy share are the ``medical.categories``
table; the cap is ``medical.cap_multiple`` × that income.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialaid.benefits.domain.household import Household, MedicalClaim
from socialaid.benefits.domain.parameters import (
    ParameterSet,
    ParameterSpec,
    ParameterValueError,
    table_decimal,
)
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    require,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "medical"
RULE_SET_VERSION = "medical/2026.1"
ZERO = Decimal("0.00")
ONE = Decimal(1)
# In order of precedence when two categories give the same grant.
CATEGORIES = ("tekun", "dibao", "edge", "illness_impoverished")
CATEGORY_ZH = {
    "tekun": "特困人员",
    "dibao": "低保对象",
    "edge": "低保边缘家庭成员",
    "illness_impoverished": "因病致贫重病患者",
}
ENTRY_FIELDS = {"rate", "deductible_share", "premium_subsidy"}

REF_CATEGORY = "社会救助暂行办法 第二十八条(救助对象); rules.md §8"
REF_DEDUCTIBLE = "社会救助暂行办法 第二十九条; 起付标准按上年度人均可支配收入比例 [L]; rules.md §8"
REF_RATE = "社会救助暂行办法 第二十九条; 000 §二(四)1(不低于70%) [L 比例]; rules.md §8"
REF_CAP = "社会救助暂行办法 第二十九条; 年度救助限额 [L 上年度人均可支配收入]; rules.md §8"
REF_PREMIUM = "000 §二(四)1; 002 §二(二)3(重点救助对象参保个人缴费全额资助); rules.md §8"


def _dec(value: Any, where: str) -> Decimal:
    d = table_decimal(value, where)
    if not d.is_finite() or not 0 <= d <= 1:
        raise ParameterValueError(f"{where}: a fraction between 0 and 1")
    return d


def _validate_categories(raw: Any) -> None:
    if not isinstance(raw, dict) or not raw or set(raw) - set(CATEGORIES):
        raise ParameterValueError(
            f"medical.categories maps categories ({', '.join(CATEGORIES)}) to "
            '{"rate", "deductible_share", "premium_subsidy"} fractions'
        )
    for cat, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != ENTRY_FIELDS:
            raise ParameterValueError(
                f"medical.categories.{cat}: exactly {', '.join(sorted(ENTRY_FIELDS))}"
            )
        for k, v in entry.items():
            _dec(v, f"medical.categories.{cat}.{k}")


PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        "medical.categories",
        "json",
        '{category: {"rate", "deductible_share", "premium_subsidy"}} fractions',
        "救助比例、起付线(× last year's per-capita disposable income)、参保资助比例 by category "
        "([L] tekun 90 %, dibao 70 %, edge 60 %/10 %, illness-impoverished 50 %/25 %) (rules.md §8)",
        validate_json=_validate_categories,
    ),
    ParameterSpec(
        "medical.disposable_income_last_year",
        "money",
        "yuan per person per year",
        "上年度当地居民人均可支配收入: the base of deductibles and the annual cap (rules.md §8)",
        minimum=Decimal(0),
        exclusive_minimum=True,
        maximum=Decimal(10_000_000),
    ),
    ParameterSpec(
        "medical.cap_multiple",
        "decimal",
        "× last year's per-capita disposable income",
        "年度救助限额 = this multiple of last year's per-capita disposable income ([L] 1)",
        minimum=Decimal(0),
        maximum=Decimal(100),
    ),
)
REQUIRED_KEYS: tuple[str, ...] = (
    "medical.categories",
    "medical.disposable_income_last_year",
    "medical.cap_multiple",
)
OPTIONAL_KEYS: tuple[str, ...] = ()


def _claim(h: Household) -> tuple[MedicalClaim, list[str]]:
    c = h.medical
    if c is None:
        raise InvalidHousehold("a medical assessment needs the medical claim")
    if c.in_policy_out_of_pocket < 0 or c.paid_this_year < 0:
        raise InvalidHousehold("medical costs and amounts paid are never negative")
    unknown = set(c.categories) - set(CATEGORIES)
    if unknown:
        raise InvalidHousehold(f"unknown medical categories {sorted(unknown)}")
    held = set(c.categories) | ({"illness_impoverished"} if c.illness_impoverished else set())
    return c, [k for k in CATEGORIES if k in held]


def _grant(oop: Decimal, deductible: Decimal, rate: Decimal, remaining: Decimal) -> Decimal:
    return min(max(Decimal(0), oop - deductible) * rate, remaining)


def assess(household: Household, params: ParameterSet) -> Assessment:
    """Assess one medical claim with the parameters in force for the benefit month."""
    require(params, REQUIRED_KEYS)
    claim, held = _claim(household)
    p_tab = params["medical.categories"]
    p_inc = params["medical.disposable_income_last_year"]
    p_cap = params["medical.cap_multiple"]
    table = {k: {f: Decimal(str(v)) for f, v in e.items()} for k, e in p_tab.value.items()}
    income = p_inc.decimal
    cap = round_half_up(p_cap.decimal * income)
    remaining = max(ZERO, cap - claim.paid_this_year)
    oop = claim.in_policy_out_of_pocket
    trace = Trace()
    covered = [k for k in held if k in table]
    candidates = {
        k: _grant(oop, table[k]["deductible_share"] * income, table[k]["rate"], remaining)
        for k in covered
    }
    trace.add(
        "MED-CAT-01",
        REF_CATEGORY,
        inputs={"categories": held},
        parameters=(p_tab, p_inc, p_cap),
        result={
            "covered": covered,
            "candidate_grants": {k: round_half_up(v) for k, v in candidates.items()},
        },
        explanation=(
            "救助对象类别："
            + "、".join(CATEGORY_ZH[k] for k in held)
            + "；"
            + ("按最有利的一类救助一次。" if len(covered) > 1 else "")
            + ("" if covered else "均不在本地医疗救助范围内。")
            if held
            else "不属于特困人员、低保对象、低保边缘家庭成员或因病致贫重病患者，不予医疗救助。"
        ),
    )
    used = tuple(params[k] for k in REQUIRED_KEYS)
    premium = max((table[k]["premium_subsidy"] for k in covered), default=ZERO)
    breakdown: dict[str, Decimal] = {"premium_subsidy_share": premium}
    if not covered:
        return _result(
            False,
            ZERO,
            ("NO_MEDICAL_CATEGORY" if not held else "CATEGORY_NOT_COVERED",),
            used,
            trace,
            breakdown,
            {"annual_cap": cap},
        )
    # most favourable: the largest grant; ties go to the earlier category of CATEGORIES
    best = max(covered, key=lambda k: (candidates[k], -CATEGORIES.index(k)))
    rate, share = table[best]["rate"], table[best]["deductible_share"]
    deductible = share * income
    eligible_cost = max(Decimal(0), oop - deductible)
    trace.add(
        "MED-DED-01",
        REF_DEDUCTIBLE,
        inputs={"category": best, "in_policy_out_of_pocket": oop},
        parameters=(p_tab, p_inc),
        result={
            "deductible": round_half_up(deductible),
            "above_deductible": round_half_up(eligible_cost),
        },
        explanation=(
            f"按{CATEGORY_ZH[best]}救助：起付线=上年度人均可支配收入{yuan(income)}元×{share}"
            f"={yuan(round_half_up(deductible))}元；政策范围内个人自付{yuan(oop)}元，"
            f"超过起付线部分{yuan(round_half_up(eligible_cost))}元。"
        ),
    )
    by_rate = eligible_cost * rate
    trace.add(
        "MED-RATE-01",
        REF_RATE,
        inputs={"above_deductible": eligible_cost, "category": best},
        parameters=(p_tab,),
        result={"by_rate": round_half_up(by_rate)},
        explanation=f"按{rate * 100:.0f}%比例救助：{yuan(round_half_up(eligible_cost))}元×{rate}={yuan(round_half_up(by_rate))}元。",
    )
    amount = round_half_up(min(by_rate, remaining))
    capped = by_rate > remaining
    trace.add(
        "MED-CAP-01",
        REF_CAP,
        inputs={"by_rate": by_rate, "paid_this_year": claim.paid_this_year},
        parameters=(p_cap, p_inc),
        result={"annual_cap": cap, "remaining": remaining, "amount": amount, "capped": capped},
        explanation=(
            f"年度限额{yuan(cap)}元，本年已救助{yuan(claim.paid_this_year)}元，尚余{yuan(remaining)}元；"
            f"本次救助{yuan(amount)}元" + ("(受年度限额限制)。" if capped else "。")
        ),
    )
    trace.add(
        "MED-PREM-01",
        REF_PREMIUM,
        inputs={"categories": covered},
        parameters=(p_tab,),
        result={"premium_subsidy_share": premium},
        explanation=(
            "属于重点救助对象，城乡居民医保个人缴费全额资助。"
            if premium == ONE
            else f"城乡居民医保个人缴费资助比例{premium * 100:.0f}%。"
        ),
    )
    codes = [f"CATEGORY_{best.upper()}"]
    if eligible_cost == 0:
        codes.append("BELOW_DEDUCTIBLE")
    if remaining == 0:
        codes.append("ANNUAL_CAP_REACHED")
    elif capped:
        codes.append("CAPPED_AT_ANNUAL_LIMIT")
    if premium == ONE:
        codes.append("PREMIUM_FULLY_SUBSIDISED")
    breakdown = {"grant": amount, "deductible": round_half_up(deductible)} | breakdown
    figures = {"category": best, "annual_cap": cap, "remaining_cap": remaining, "rate": rate}
    return _result(amount > 0, amount, tuple(codes), used, trace, breakdown, figures)


def _result(
    eligible: bool,
    amount: Decimal,
    codes: tuple[str, ...],
    used: tuple[Any, ...],
    trace: Trace,
    breakdown: dict[str, Decimal],
    figures: dict[str, Any],
) -> Assessment:
    return Assessment(
        programme=PROGRAMME,
        eligible=eligible,
        amount=amount,
        reason_codes=codes,
        parameters=used,
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        breakdown=breakdown,
        figures=figures,
    )
