"""Asset limits for dibao and (possibly looser) for edge and rigid-expenditure households (rules.md §3).

Pure: exact comparisons (``assets ≤ months × standard × members`` rather than a rounded per-capita).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from socialaid.benefits.domain.household import Household, Vehicle
from socialaid.benefits.domain.parameters import ParameterSet, ParameterUsed
from socialaid.benefits.domain.result import round_half_up, yuan
from socialaid.benefits.domain.trace import Trace

REF_ASSETS = "最低生活保障审核确认办法(2021) 第十四条、第十七条 (限额由地方规定 [L]); rules.md §3"
# Disability mobility vehicles, motorcycles and e-bikes are never counted; agricultural machinery
# is a production asset (rules.md §3: assets needed for production and daily life may be exempted).
EXEMPT_KINDS = frozenset({"motorcycle", "ebike", "disability_mobility", "agricultural"})

ZH = {
    "FIN_ASSETS_OVER_LIMIT": "金融资产超过规定标准",
    "VEHICLE_OWNED": "拥有不予豁免的机动车",
    "TOO_MANY_PROPERTIES": "住房超过规定套数",
    "NON_RESIDENTIAL_PROPERTY": "拥有非住宅类房产",
    "REGISTERED_BUSINESS": "登记有经营主体",
}


@dataclass(frozen=True)
class Limits:
    label: str  # "低保" or "低保边缘"
    months: ParameterUsed
    vehicle_value: ParameterUsed
    max_properties: ParameterUsed


def dibao_limits(params: ParameterSet) -> Limits:
    return Limits(
        "低保",
        params["dibao.fin_assets_months"],
        params["dibao.vehicle_exempt_value"],
        params["dibao.max_properties"],
    )


def edge_limits(params: ParameterSet) -> Limits:
    """edge.* where recorded, otherwise the dibao limit (a region may keep them equal)."""
    d = dibao_limits(params)
    return Limits(
        "低保边缘",
        params.get("edge.fin_assets_months", d.months),
        params.get("edge.vehicle_exempt_value", d.vehicle_value),
        params.get("edge.max_properties", d.max_properties),
    )


def vehicle_counted(v: Vehicle, exempt_value: Decimal) -> bool:
    if v.kind in EXEMPT_KINDS or v.needed_for_livelihood:
        return False
    return not (v.valuation_certified and v.value is not None and v.value <= exempt_value)


def check_assets(
    h: Household,
    n: int,
    standard: ParameterUsed,
    limits: Limits,
    trace: Trace,
    *,
    rule_id: str,
    business_disregarded: bool = False,
) -> list[str]:
    """The failing limits as reason codes (empty = within every limit), with one trace step."""
    a = h.assets
    std = standard.decimal
    per_capita_limit = limits.months.decimal * std
    fails: list[str] = []
    if a.financial > per_capita_limit * n:  # exact: assets / n ≤ limit
        fails.append("FIN_ASSETS_OVER_LIMIT")
    exempt_value = limits.vehicle_value.decimal
    counted = [v for v in a.vehicles if vehicle_counted(v, exempt_value)]
    if counted:
        fails.append("VEHICLE_OWNED")
    max_props = int(limits.max_properties.decimal)
    if a.residential_properties > max_props:
        fails.append("TOO_MANY_PROPERTIES")
    if a.non_residential_properties:
        fails.append("NON_RESIDENTIAL_PROPERTY")
    business = a.registered_business and not a.business_waiver and not business_disregarded
    if business:
        fails.append("REGISTERED_BUSINESS")
    pc_assets = round_half_up(a.financial / n)
    trace.add(
        rule_id,
        REF_ASSETS,
        inputs={
            "financial_assets": a.financial,
            "household_size": n,
            "vehicles": [
                {
                    "kind": v.kind,
                    "value": v.value,
                    "valuation_certified": v.valuation_certified,
                    "needed_for_livelihood": v.needed_for_livelihood,
                }
                for v in a.vehicles
            ],
            "residential_properties": a.residential_properties,
            "non_residential_properties": a.non_residential_properties,
            "registered_business": a.registered_business,
            "business_waiver": a.business_waiver,
            "business_disregarded": business_disregarded,
        },
        parameters=(limits.months, standard, limits.vehicle_value, limits.max_properties),
        result={
            "per_capita_financial_assets": pc_assets,
            "per_capita_limit": round_half_up(per_capita_limit),
            "vehicles_counted": len(counted),
            "within_limit": not fails,
            "failures": fails,
        },
        explanation=(
            f"按{limits.label}财产标准：人均金融资产{yuan(pc_assets)}元，上限为"
            f"{limits.months.decimal}个月低保标准(人均{yuan(per_capita_limit)}元)；"
            f"车辆{len(a.vehicles)}辆，不予豁免{len(counted)}辆(残疾人代步车、摩托车、电动自行车、"
            f"农机、生产生活必需车辆及经评估不超过{yuan(exempt_value)}元的车辆豁免)；"
            f"住房{a.residential_properties}套(上限{max_props}套)，非住宅房产"
            f"{a.non_residential_properties}处(不得拥有)；"
            + ("有登记经营主体" if a.registered_business else "无登记经营主体")
            + ("(经复核豁免)" if a.registered_business and a.business_waiver else "")
            + ("(首次创业一个季度内不计)" if a.registered_business and business_disregarded else "")
            + "。"
            + (
                "财产符合规定。"
                if not fails
                else "不符合：" + "、".join(ZH[c] for c in fails) + "。"
            )
        ),
    )
    return fails
