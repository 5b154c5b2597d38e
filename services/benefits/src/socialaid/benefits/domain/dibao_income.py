"""Dibao household unit and countable income (rules.md §1-§2; R-CA-02, R-CA-06).

Pure functions. Amounts stay exact here (no rounding); the trace shows figures rounded to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from socialaid.benefits.domain import dibao_params as P
from socialaid.benefits.domain.household import Household, Member
from socialaid.benefits.domain.parameters import ParameterSet, ParameterUsed
from socialaid.benefits.domain.result import InvalidHousehold, require, round_half_up, yuan
from socialaid.benefits.domain.trace import Trace

ZERO = Decimal(0)
ADULT_AGE = 18  # 民法典 第十七条: a minor is under 18 (national law, not a local number)

REF_HOUSEHOLD = "最低生活保障审核确认办法(2021) 第七条; 民政部2022年通知(整户纳入); rules.md §1"
REF_INCOME = "最低生活保障审核确认办法(2021) 第十三条; rules.md §2"
REF_SUPPORT = "赡养(抚养、扶养)费计算 [L]; 最低生活保障审核确认办法(2021) 第十三条; rules.md §2"

# Excluded nationally (rules.md §2); a city adds its own list through income.excluded_categories.
NATIONAL_EXCLUDED = frozenset(
    {
        "social_assistance",
        "veterans",
        "family_planning",
        "scholarship",
        "good_samaritan_award",
        "pension_central_basic",
    }
)
INCOME_ZH = {
    "disability_subsidy": "残疾人两项补贴",
    "old_age_allowance": "高龄津贴",
    "medical_insurance": "医疗保险等社会保险待遇",
    "compensation": "赔偿收入",
    "gifts": "赠与",
    "other": "其他收入",
    "property": "财产净收入",
    "business": "经营净收入",
    "support_received": "赡养费收入",
    "pension_local": "养老金(含地方加发部分)",
    "unemployment_benefit": "失业保险金",
}
EXCLUSION_ZH = {
    "religious_3y": "在宗教场所居住三年以上",
    "prison": "服刑",
    "drug_rehabilitation": "强制隔离戒毒",
    "missing": "宣告失踪",
    "deceased": "已死亡",
}


@dataclass(frozen=True)
class MemberIncome:
    member_id: str
    counted: Decimal  # counted categories (support paid not included)
    excluded: dict[str, Decimal]
    employment_cost: Decimal
    support_paid: Decimal
    rigid_medical: Decimal

    @property
    def net(self) -> Decimal:
        return self.counted - self.employment_cost - self.support_paid - self.rigid_medical


@dataclass(frozen=True)
class HouseholdIncome:
    members: tuple[MemberIncome, ...]
    imputed_support: Decimal
    total: Decimal  # countable monthly household income, never below 0
    codes: tuple[str, ...] = ()
    by_member: dict[str, MemberIncome] = field(default_factory=dict)


def validate(h: Household) -> None:
    """Facts the rules cannot work with → InvalidHousehold (the API answers 422)."""
    if not h.members:
        raise InvalidHousehold("the household has no members")
    ids = [m.member_id for m in h.members]
    if len(set(ids)) != len(ids):
        raise InvalidHousehold("the same member_id appears twice")
    for m in h.members:
        for cat, v in m.incomes.items():
            if cat not in P.INCOME_CATEGORIES:
                raise InvalidHousehold(f"member {m.member_id}: unknown income category {cat!r}")
            if v < 0:
                raise InvalidHousehold(f"member {m.member_id}: negative {cat} income")
        if m.rigid_medical_costs < 0 or m.job_refusals < 0:
            raise InvalidHousehold(f"member {m.member_id}: negative costs or refusals")
    for o in h.obligors:
        if o.household_per_capita_income < 0 or o.persons_supported < 1 or o.children_count < 1:
            raise InvalidHousehold(
                "an obligor needs a non-negative per-capita income, ≥ 1 child, ≥ 1 person supported"
            )
    a = h.assets
    if a.financial < 0 or a.residential_properties < 0 or a.non_residential_properties < 0:
        raise InvalidHousehold("assets and property counts may not be negative")
    if any(v.value is not None and v.value < 0 for v in a.vehicles):
        raise InvalidHousehold("a vehicle value may not be negative")
    if h.rigid_expenses_12m < 0 or (
        h.last_year_income_12m is not None and h.last_year_income_12m < 0
    ):
        raise InvalidHousehold("rigid expenses and last year's income may not be negative")


def household_unit(h: Household, trace: Trace) -> tuple[Member, ...]:
    counted = h.counted_members
    excluded = [m for m in h.members if not m.counted]
    trace.add(
        "DIBAO-HH-01",
        REF_HOUSEHOLD,
        inputs={
            "members": [m.member_id for m in h.members],
            "excluded": {m.member_id: m.exclusion for m in excluded},
        },
        result={"household_size": len(counted), "counted": [m.member_id for m in counted]},
        explanation=(
            f"共同生活家庭成员计{len(counted)}人"
            + (
                "(不计入："
                + "、".join(
                    f"{m.member_id}{EXCLUSION_ZH.get(m.exclusion or '', '')}" for m in excluded
                )
                + ")"
                if excluded
                else ""
            )
            + "；符合条件的家庭整户纳入，不得只纳入部分成员。"
        ),
    )
    return counted


def jobless_severely_disabled_adult(m: Member, h: Household) -> bool:
    return m.age_on(h.first_day) >= ADULT_AGE and not m.employed and m.severe_disability


def member_income(
    m: Member, standard: Decimal, params: ParameterSet, local_excluded: frozenset[str]
) -> MemberIncome:
    counted = ZERO
    excluded: dict[str, Decimal] = {}
    for cat, v in m.incomes.items():
        if cat == "support_paid":
            continue
        if cat in NATIONAL_EXCLUDED or cat in local_excluded:
            excluded[cat] = v
        else:
            counted += v
    wages = m.incomes.get("wages", ZERO)
    cost = ZERO
    if m.employed:
        cost = min(params["dibao.employment_cost_rate"].decimal * standard, wages)
    rigid = ZERO
    if P.flag(params, "income.deduct_rigid_medical") and (
        m.serious_illness or m.disability_grade is not None
    ):
        rigid = m.rigid_medical_costs
    return MemberIncome(
        m.member_id, counted, excluded, cost, m.incomes.get("support_paid", ZERO), rigid
    )


def _local_excluded(params: ParameterSet) -> frozenset[str]:
    p = params.get("income.excluded_categories")
    return frozenset(p.value) if p is not None else frozenset()


def _params(params: ParameterSet, *keys: str) -> tuple[ParameterUsed, ...]:
    return tuple(params[k] for k in keys if k in params)


def imputed_support(
    h: Household, counted: tuple[Member, ...], standard: Decimal, params: ParameterSet, trace: Trace
) -> tuple[Decimal, list[str]]:
    """max(0, obligor per-capita − standard) × rate(children) ÷ persons supported, per obligor."""
    if not h.obligors:
        return ZERO, []
    codes: list[str] = []
    waivable = any(jobless_severely_disabled_adult(m, h) for m in counted)
    needs_rates = any(not (o.waived and waivable) for o in h.obligors)
    if needs_rates:
        require(params, ("support.rate_le2_children", "support.rate_ge3_children"))
    total = ZERO
    rows = []
    for i, o in enumerate(h.obligors):
        if o.waived and waivable:
            rows.append({"obligor": i, "waived": True, "imputed": ZERO})
            continue
        if o.waived:
            codes.append("SUPPORT_WAIVER_NOT_APPLICABLE")
        key = "support.rate_le2_children" if o.children_count <= 2 else "support.rate_ge3_children"
        rate = params[key].decimal
        excess = max(ZERO, o.household_per_capita_income - standard)
        share = excess * rate / o.persons_supported
        total += share
        rows.append(
            {
                "obligor": i,
                "per_capita_income": o.household_per_capita_income,
                "children": o.children_count,
                "rate": rate,
                "persons_supported": o.persons_supported,
                "imputed": round_half_up(share),
            }
        )
    trace.add(
        "DIBAO-INC-03",
        REF_SUPPORT,
        inputs={"obligors": rows, "standard": standard, "waivable": waivable},
        parameters=_params(
            params, "support.rate_le2_children", "support.rate_ge3_children", "dibao.standard"
        ),
        result={"imputed_support": round_half_up(total), "codes": codes},
        explanation=(
            "家庭外赡养(抚养、扶养)义务人按(其家庭人均收入−低保标准)×比例(子女≤2人与≥3人比例不同)"
            f"÷被赡养人数计入赡养费，合计{yuan(round_half_up(total))}元/月"
            + ("；无就业的成年重度残疾人可免计。" if waivable else "。")
            + ("申请免计但家庭中无无就业的成年重度残疾人，不予免计。" if codes else "")
        ),
    )
    return total, codes


def household_income(
    h: Household, counted: tuple[Member, ...], standard: Decimal, params: ParameterSet, trace: Trace
) -> HouseholdIncome:
    local = _local_excluded(params)
    members = tuple(member_income(m, standard, params, local) for m in counted)
    rate = params["dibao.employment_cost_rate"]
    ref = params.get("income.reference_months")
    trace.add(
        "DIBAO-INC-01",
        REF_INCOME,
        inputs={
            "incomes": {m.member_id: dict(m.incomes) for m in counted},
            "employed": [m.member_id for m in counted if m.employed],
            "reference_months": None if ref is None else ref.decimal,
        },
        parameters=_params(
            params,
            "dibao.employment_cost_rate",
            "dibao.standard",
            "income.excluded_categories",
            "income.deduct_rigid_medical",
            "income.reference_months",
        ),
        result={
            mi.member_id: {
                "counted": mi.counted,
                "excluded": {k: v for k, v in mi.excluded.items()},
                "employment_cost": round_half_up(mi.employment_cost),
                "support_paid": mi.support_paid,
                "rigid_medical": mi.rigid_medical,
                "net": round_half_up(mi.net),
            }
            for mi in members
        },
        explanation=(
            (f"收入按近{ref.decimal}个月月均计算。" if ref is not None else "")
            + "优抚金、计生奖扶、奖学金、见义勇为奖励、社会救助金、城乡居民基础养老金不计入"
            + (
                f"，本地另不计入：{'、'.join(INCOME_ZH.get(c, c) for c in sorted(local))}"
                if local
                else ""
            )
            + f"；就业成员扣除必要就业成本(低保标准×{rate.decimal}，不超过其工资)"
            + "；支付的赡养费予以扣减"
            + (
                "；重病、残疾成员的刚性医疗康复支出予以扣减。"
                if P.flag(params, "income.deduct_rigid_medical")
                else "。"
            )
        ),
    )
    imputed, codes = imputed_support(h, counted, standard, params, trace)
    raw = sum((mi.net for mi in members), ZERO) + imputed
    total = max(ZERO, raw)
    return HouseholdIncome(
        members, imputed, total, tuple(codes), {mi.member_id: mi for mi in members}
    )
