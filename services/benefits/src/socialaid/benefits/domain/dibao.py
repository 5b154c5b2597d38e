"""Dibao (最低生活保障) eligibility and amount by the gap method (R-CA-01, R-CA-02, R-CA-12).

Pure function: no I/O. Comparisons are exact (``income < standard × members``
rather than a rounded per-capita figure); only the household amount is rounded,
HALF_UP to 0.01 yuan, once, at the end (rules.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from socialaid.benefits.domain.parameters import ParameterSet, ParameterUsed
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "dibao"
RULE_SET_VERSION = "dibao-gap/2026.1"
PARAMETERS: tuple = ()  # the dibao keys still live in parameters.CATALOGUE
REQUIRED_KEYS = (
    "dibao.standard",
    "dibao.fin_assets_months",
    "dibao.vehicle_exempt_value",
    "dibao.max_properties",
)
OPTIONAL_KEYS = ("edge.multiplier",)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

VehicleKind = Literal["car", "motorcycle", "ebike", "disability_mobility"]
EXEMPT_KINDS = frozenset({"motorcycle", "ebike", "disability_mobility"})

REF_HOUSEHOLD = "最低生活保障审核确认办法(2021) 第七条; rules.md §1"
REF_INCOME = "最低生活保障审核确认办法(2021) 第十三条; rules.md §2"
REF_ASSETS = "最低生活保障审核确认办法(2021) 第十四条、第十七条 (限额由地方规定 [L]); rules.md §3"
REF_ELIGIBLE = "社会救助暂行办法 第九条; rules.md §4"
REF_AMOUNT = "差额法 [N §23]; rules.md §4 (HALF_UP 至0.01元)"
REF_EDGE = "低保边缘家庭认定 [N]; rules.md §5"


class MissingParameters(Exception):
    def __init__(self, keys: list[str]):
        super().__init__(", ".join(keys))
        self.keys = keys


@dataclass(frozen=True)
class Vehicle:
    kind: VehicleKind = "car"
    value: Decimal | None = None
    valuation_certified: bool = False


@dataclass(frozen=True)
class DibaoHousehold:
    living_members: int
    monthly_income: Decimal
    financial_assets: Decimal = ZERO
    vehicles: tuple[Vehicle, ...] = ()
    residential_properties: int = 0
    non_residential_properties: int = 0
    excluded_members: int = 0  # listed but not counted (deceased, ...): shown in the trace only

    def __post_init__(self) -> None:
        if self.living_members < 0 or self.excluded_members < 0:
            raise ValueError("member counts must not be negative")
        if self.monthly_income < 0 or self.financial_assets < 0:
            raise ValueError("income and assets must not be negative")
        if self.residential_properties < 0 or self.non_residential_properties < 0:
            raise ValueError("property counts must not be negative")


@dataclass(frozen=True)
class DibaoAssessment:
    eligible: bool
    amount: Decimal
    standard: Decimal
    per_capita_income: Decimal | None  # None when no member is counted
    household_size: int
    reason_codes: tuple[str, ...]
    parameters: tuple[ParameterUsed, ...]
    trace: Trace = field(compare=False)
    rule_set_version: str = RULE_SET_VERSION


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def round_half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def missing_keys(params: ParameterSet) -> list[str]:
    return [k for k in REQUIRED_KEYS if k not in params]


def assess_dibao(household: DibaoHousehold, params: ParameterSet) -> DibaoAssessment:
    """Assess one household for one benefit month with the parameters in force for it."""
    missing = missing_keys(params)
    if missing:
        raise MissingParameters(missing)
    p_std = params["dibao.standard"]
    standard = p_std.decimal
    used = [params[k] for k in REQUIRED_KEYS] + [params[k] for k in OPTIONAL_KEYS if k in params]
    trace = Trace()
    n = household.living_members
    income = household.monthly_income

    trace.add(
        "DIBAO-HH-01",
        REF_HOUSEHOLD,
        inputs={"living_members": n, "excluded_members": household.excluded_members},
        result={"household_size": n},
        explanation=(
            f"共同生活家庭成员计{n}人"
            + (f"(另有{household.excluded_members}人不计入)" if household.excluded_members else "")
            + "。"
        ),
    )
    if n == 0:
        trace.add(
            "DIBAO-ELIG-01",
            REF_ELIGIBLE,
            inputs={"living_members": 0},
            result={"eligible": False, "amount": ZERO, "reason_codes": ["NO_LIVING_MEMBERS"]},
            explanation="没有可计入的共同生活家庭成员，不能认定为低保家庭，保障金为0元。",
        )
        return DibaoAssessment(
            False, ZERO, standard, None, 0, ("NO_LIVING_MEMBERS",), tuple(used), trace
        )

    threshold = standard * n
    per_capita = income / n
    income_below = income < threshold  # strictly below: equal is not eligible (rules.md §4)
    shown_pc = round_half_up(per_capita)
    trace.add(
        "DIBAO-INC-01",
        REF_INCOME,
        inputs={"monthly_income": income, "household_size": n},
        parameters=(p_std,),
        result={"per_capita_income": shown_pc, "income_below_standard": income_below},
        explanation=(
            f"家庭月收入{yuan(income)}元÷{n}人=人均{yuan(shown_pc)}元，"
            + ("低于" if income_below else "不低于")
            + f"低保标准{yuan(standard)}元(须严格低于标准)。"
        ),
    )
    codes = ["INCOME_BELOW_STANDARD" if income_below else "INCOME_NOT_BELOW_STANDARD"]
    assets_ok = _assets(household, params, standard, n, trace, codes)

    eligible = income_below and assets_ok
    trace.add(
        "DIBAO-ELIG-01",
        REF_ELIGIBLE,
        inputs={"income_below_standard": income_below, "assets_within_limits": assets_ok},
        result={"eligible": eligible, "reason_codes": list(codes)},
        explanation=(
            "人均收入低于低保标准且财产符合规定，符合低保条件。"
            if eligible
            else "不符合低保条件：" + "、".join(_ZH[c] for c in codes if c in _ZH) + "。"
        ),
    )

    amount = max(ZERO, round_half_up(threshold - income)) if eligible else ZERO
    trace.add(
        "DIBAO-AMT-01",
        REF_AMOUNT,
        inputs={
            "standard": standard,
            "household_size": n,
            "monthly_income": income,
            "eligible": eligible,
        },
        parameters=(p_std,),
        result={"amount": amount},
        explanation=(
            f"月保障金=低保标准{yuan(standard)}元×{n}人−家庭月收入{yuan(income)}元"
            f"={yuan(amount)}元(四舍五入至分)。"
            if eligible
            else "不符合低保条件，月保障金为0元。"
        ),
    )
    if not eligible and assets_ok and "edge.multiplier" in params:
        _edge(params["edge.multiplier"], p_std, income, n, trace, codes)
    return DibaoAssessment(
        eligible, amount, standard, shown_pc, n, tuple(codes), tuple(used), trace
    )


_ZH = {
    "INCOME_NOT_BELOW_STANDARD": "人均收入不低于低保标准",
    "FIN_ASSETS_OVER_LIMIT": "金融资产超过规定标准",
    "VEHICLE_OWNED": "拥有不予豁免的机动车",
    "TOO_MANY_PROPERTIES": "住房超过规定套数",
    "NON_RESIDENTIAL_PROPERTY": "拥有非住宅类房产",
}


def _assets(
    h: DibaoHousehold,
    params: ParameterSet,
    standard: Decimal,
    n: int,
    trace: Trace,
    codes: list[str],
) -> bool:
    p_months, p_vehicle, p_props = (
        params["dibao.fin_assets_months"],
        params["dibao.vehicle_exempt_value"],
        params["dibao.max_properties"],
    )
    per_capita_limit = p_months.decimal * standard
    fin_ok = h.financial_assets <= per_capita_limit * n  # exact: assets / n <= limit
    trace.add(
        "DIBAO-AST-01",
        REF_ASSETS,
        inputs={"financial_assets": h.financial_assets, "household_size": n},
        parameters=(p_months, params["dibao.standard"]),
        result={
            "per_capita_financial_assets": round_half_up(h.financial_assets / n),
            "per_capita_limit": round_half_up(per_capita_limit),
            "within_limit": fin_ok,
        },
        explanation=(
            f"家庭金融资产{yuan(h.financial_assets)}元，人均"
            f"{yuan(round_half_up(h.financial_assets / n))}元，"
            + ("未超过" if fin_ok else "超过")
            + f"{p_months.decimal}个月低保标准(人均{yuan(per_capita_limit)}元)。"
        ),
    )
    if not fin_ok:
        codes.append("FIN_ASSETS_OVER_LIMIT")

    limit = p_vehicle.decimal
    counted = [
        v
        for v in h.vehicles
        if v.kind not in EXEMPT_KINDS
        and not (v.valuation_certified and v.value is not None and v.value <= limit)
    ]
    trace.add(
        "DIBAO-AST-02",
        REF_ASSETS,
        inputs={
            "vehicles": [
                {"kind": v.kind, "value": v.value, "valuation_certified": v.valuation_certified}
                for v in h.vehicles
            ]
        },
        parameters=(p_vehicle,),
        result={"vehicles_counted": len(counted), "within_limit": not counted},
        explanation=(
            f"登记车辆{len(h.vehicles)}辆，其中不予豁免的机动车{len(counted)}辆"
            f"(残疾人功能性补偿代步车、摩托车、电动自行车，以及经评估价值不超过{yuan(limit)}元的车辆予以豁免)。"
        ),
    )
    if counted:
        codes.append("VEHICLE_OWNED")

    max_props = int(p_props.decimal)
    props_ok = h.residential_properties <= max_props
    trace.add(
        "DIBAO-AST-03",
        REF_ASSETS,
        inputs={
            "residential_properties": h.residential_properties,
            "non_residential_properties": h.non_residential_properties,
        },
        parameters=(p_props,),
        result={"within_limit": props_ok and h.non_residential_properties == 0},
        explanation=(
            f"住房{h.residential_properties}套(上限{max_props}套)，"
            f"非住宅类房产{h.non_residential_properties}处(不得拥有)。"
        ),
    )
    if not props_ok:
        codes.append("TOO_MANY_PROPERTIES")
    if h.non_residential_properties:
        codes.append("NON_RESIDENTIAL_PROPERTY")
    return fin_ok and not counted and props_ok and not h.non_residential_properties


def _edge(
    p_mult: ParameterUsed,
    p_std: ParameterUsed,
    income: Decimal,
    n: int,
    trace: Trace,
    codes: list[str],
) -> None:
    """Informational: a household above the dibao line but below the edge line (rules.md §5)."""
    edge_line = p_mult.decimal * p_std.decimal
    below = income < edge_line * n
    trace.add(
        "EDGE-01",
        REF_EDGE,
        inputs={"monthly_income": income, "household_size": n},
        parameters=(p_mult, p_std),
        result={
            "edge_line_per_capita": round_half_up(edge_line),
            "edge_household_candidate": below,
        },
        explanation=(
            f"人均收入{'低于' if below else '不低于'}低保标准的{p_mult.decimal}倍"
            f"({yuan(round_half_up(edge_line))}元)"
            + ("，可作为低保边缘家庭另行认定(无低保金)。" if below else "。")
        ),
    )
    if below:
        codes.append("EDGE_HOUSEHOLD_CANDIDATE")
