"""Disaster relief (自然灾害救助) items for one household (R-DR-02 … R-DR-06, R-CA-12).

Each item is a count × a parameter (rules.md §10): emergency relief per person, consolation per
death, transitional living aid per person per day × days (capped), reconstruction per collapsed
house, repair per damaged house, drought relief per person, winter-spring relief per person
(poor households first). Amount = the sum of the items (all whole cents, so no rounding is
needed; the sum is still passed through HALF_UP). National responses I/II add grain per person
per day over the transitional period: a quantity in kilograms, shown in the breakdown as
``grain_kg`` and never added to the money amount.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialaid.benefits.domain.household import DisasterLoss, Household
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec, ParameterUsed
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    MissingParameters,
    require,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "disaster_relief"
RULE_SET_VERSION = "disaster/2026.1"
ZERO = Decimal("0.00")
REF = "社会救助暂行办法 第二十条至第二十六条; 自然灾害救助条例"

# item, count field, parameter key, rule id, requirement, 说明 template
ITEMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "emergency",
        "persons_needing_emergency_relief",
        "disaster.emergency_per_person",
        "DR-EMERG-01",
        "R-DR-02",
        "应急救助(食品、饮用水、衣被、取暖、临时住所、医疗)",
    ),
    (
        "consolation",
        "deaths",
        "disaster.death_consolation",
        "DR-DEATH-01",
        "R-DR-03",
        "遇难人员家属抚慰金",
    ),
    (
        "transitional",
        "transitional_persons",
        "disaster.transitional_per_person_day",
        "DR-TRANS-01",
        "R-DR-04",
        "过渡期生活救助",
    ),
    (
        "reconstruction",
        "collapsed_houses",
        "disaster.collapsed_house",
        "DR-HOUSE-01",
        "R-DR-05",
        "倒塌或严重损坏住房恢复重建补助",
    ),
    (
        "repair",
        "damaged_houses",
        "disaster.damaged_house",
        "DR-HOUSE-02",
        "R-DR-05",
        "一般损坏住房维修补助",
    ),
    (
        "drought",
        "drought_persons",
        "disaster.drought_per_person",
        "DR-DROUGHT-01",
        "R-DR-06",
        "旱灾临时生活困难救助",
    ),
    (
        "winter_spring",
        "winter_spring_persons",
        "disaster.winter_spring_per_person",
        "DR-WINTER-01",
        "R-DR-06",
        "冬春临时生活困难救助",
    ),
)
COUNTS = (*(i[1] for i in ITEMS), "transitional_days")


def _money(key: str, unit: str, description: str) -> ParameterSpec:
    return ParameterSpec(
        key, "money", unit, description, minimum=Decimal(0), maximum=Decimal(10_000_000)
    )


PARAMETERS: tuple[ParameterSpec, ...] = (
    _money("disaster.emergency_per_person", "yuan per person", "应急救助 per person ([L] 300)"),
    _money("disaster.death_consolation", "yuan per death", "遇难人员抚慰金 ([L] 10,000)"),
    _money(
        "disaster.transitional_per_person_day",
        "yuan per person per day",
        "过渡期生活救助 per person per day ([L] 20)",
    ),
    ParameterSpec(
        "disaster.transitional_max_days",
        "integer",
        "days",
        "过渡期: at most this many days ([L] 90, about 3 months)",
        minimum=Decimal(0),
        maximum=Decimal(366),
    ),
    _money("disaster.collapsed_house", "yuan per house", "倒房重建补助 ([L] 20,000)"),
    _money("disaster.damaged_house", "yuan per house", "损房维修补助 ([L] 2,000)"),
    _money("disaster.drought_per_person", "yuan per person", "旱灾救助 per person ([L] 60)"),
    _money(
        "disaster.winter_spring_per_person",
        "yuan per person",
        "冬春救助 per person, poor households first ([L] 130)",
    ),
    ParameterSpec(
        "disaster.grain_kg_per_person_day",
        "decimal",
        "kg per person per day",
        "国家I/II级响应: grain per person per day over the transitional period ([L] 0.5)",
        minimum=Decimal(0),
        maximum=Decimal(10),
    ),
)
REQUIRED_KEYS: tuple[str, ...] = (
    *(i[2] for i in ITEMS),
    "disaster.transitional_max_days",
)
OPTIONAL_KEYS: tuple[str, ...] = ("disaster.grain_kg_per_person_day",)


def _loss(h: Household) -> DisasterLoss:
    loss = h.disaster
    if loss is None:
        raise InvalidHousehold("a disaster-relief assessment needs the disaster loss")
    negative = [c for c in COUNTS if getattr(loss, c) < 0]
    if negative:
        raise InvalidHousehold(f"counts are never negative: {', '.join(negative)}")
    return loss


def assess(household: Household, params: ParameterSet) -> Assessment:
    """Relief items for one household's disaster loss with the parameters in force."""
    require(params, REQUIRED_KEYS)
    loss = _loss(household)
    trace = Trace()
    p_days = params["disaster.transitional_max_days"]
    days = min(loss.transitional_days, int(p_days.decimal))
    codes: list[str] = []
    breakdown: dict[str, Decimal] = {}
    used: list[ParameterUsed] = [params[k] for k in REQUIRED_KEYS]
    for item, field, key, rule_id, req, zh in ITEMS:
        count = getattr(loss, field)
        if count == 0:
            continue
        p = params[key]
        if item == "transitional":
            value = p.decimal * count * days
            shown = f"{count}人×{yuan(p.decimal)}元/人·天×{days}天"
            if loss.transitional_days > days:
                codes.append("TRANSITIONAL_DAYS_CAPPED")
                shown += f"(申报{loss.transitional_days}天，最长{days}天)"
            parameters: tuple[ParameterUsed, ...] = (p, p_days)
            inputs: dict[str, Any] = {field: count, "transitional_days": loss.transitional_days}
        else:
            value = p.decimal * count
            shown = f"{count}×{yuan(p.decimal)}元"
            parameters, inputs = (p,), {field: count}
        value = round_half_up(value)
        breakdown[item] = value
        trace.add(
            rule_id,
            f"{REF} ({req}); rules.md §10",
            inputs=inputs,
            parameters=parameters,
            result={item: value},
            explanation=f"{zh}：{shown}={yuan(value)}元。",
        )
    if loss.winter_spring_persons and loss.poor_household:
        codes.append("POOR_HOUSEHOLD_PRIORITY")
        trace.add(
            "DR-WINTER-02",
            f"{REF} (R-DR-06); 002 §二(二)5; rules.md §10",
            inputs={"poor_household": True},
            result={"priority": True},
            explanation="困难家庭优先安排冬春救助。",
        )
    grain = Decimal(0)
    if loss.response_level in ("I", "II") and loss.transitional_persons and days:
        if "disaster.grain_kg_per_person_day" not in params:
            raise MissingParameters(["disaster.grain_kg_per_person_day"])
        p_grain = params["disaster.grain_kg_per_person_day"]
        grain = p_grain.decimal * loss.transitional_persons * days
        breakdown["grain_kg"] = grain
        used.append(p_grain)
        trace.add(
            "DR-GRAIN-01",
            f"{REF} (R-DR-04); 国家{loss.response_level}级应急响应; rules.md §10",
            inputs={
                "response_level": loss.response_level,
                "transitional_persons": loss.transitional_persons,
            },
            parameters=(p_grain, p_days),
            result={"grain_kg": grain},
            explanation=(
                f"国家{loss.response_level}级响应，另发口粮：{loss.transitional_persons}人×"
                f"{p_grain.decimal}公斤/人·天×{days}天={grain.normalize():f}公斤(实物，不计入金额)。"
            ),
        )
    amount = round_half_up(sum((v for k, v in breakdown.items() if k != "grain_kg"), ZERO))
    eligible = amount > 0 or grain > 0
    if not eligible:
        codes.append("NO_RELIEF_ITEMS")
    money_items = [k for k in breakdown if k != "grain_kg"]
    trace.add(
        "DR-SUM-01",
        f"{REF}; rules.md §10",
        inputs={k: breakdown[k] for k in money_items},
        result={"amount": amount},
        explanation=(
            "救助金合计"
            + "+".join(yuan(breakdown[k]) for k in money_items)
            + f"={yuan(amount)}元。"
            if money_items
            else "没有符合条件的救助项目，救助金为0元。"
        ),
    )
    return Assessment(
        programme=PROGRAMME,
        eligible=eligible,
        amount=amount,
        reason_codes=tuple(codes),
        parameters=tuple(used),
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        breakdown=breakdown,
        figures={
            "response_level": loss.response_level,
            "transitional_days_applied": days,
            "priority": bool(loss.winter_spring_persons and loss.poor_household),
            "grain_kg": grain,
        },
    )
