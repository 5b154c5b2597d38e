"""Temporary price subsidy (价格临时补贴): assistance linked to rising prices (R-CA-10, R-CA-12).

The mechanism of 《关于进一步健全社会救助和保障标准与物价上涨挂钩联动机制的通知》, every number a
parameter. It starts in a benefit month when that month's CPI year-on-year rise reaches
``price.cpi_threshold`` or the food-price CPI rise reaches ``price.food_threshold`` (≥). Who: the
household's recipients of a category in ``price.covered_categories`` (at least dibao and tekun);
a person in several covered categories is paid once, on the most favourable one. Per person per
month = the category's base × the rise: the CPI rise when the CPI condition triggers, the food
rise × ``price.food_weight`` when the food condition does, the larger when both do; rounded
HALF_UP to 0.01, at least ``price.min_per_person`` when given. The base is the dibao standard,
the tekun basic living standard (``tekun.basic_standard``) or an amount of the table. Household
amount = the per-person amounts × the persons covered. The month's index figures
(``price.cpi_yoy``, ``price.food_cpi_yoy``) are parameters valid for that one month: a month
without them cannot be assessed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from socialaid.benefits.domain import tekun
from socialaid.benefits.domain.household import Household, Member, PriceSubsidyRequest
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec, ParameterUsed
from socialaid.benefits.domain.price_params import CATEGORY_ZH
from socialaid.benefits.domain.price_params import PARAMETERS as _PARAMETERS
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    MissingParameters,
    require,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "price_subsidy"
RULE_SET_VERSION = "price_subsidy/2026.1"
ZERO = Decimal("0.00")
NOTICE = "关于进一步健全社会救助和保障标准与物价上涨挂钩联动机制的通知(发改价格〔2021〕1553号)"
REF_TRIGGER = (
    f"{NOTICE} 启动条件(CPI或CPI中食品价格单月同比涨幅达到规定幅度); 000 §二(一)1; 001 §二"
)
REF_SCOPE = f"{NOTICE} 保障范围(城乡低保对象、特困人员等, 各地可扩大); 一人多类按较高者发放一次 [L]"
REF_BASE = (
    f"{NOTICE} 以保障对象月基本生活保障标准为基数; 001 §二(特困人员基本生活标准); rules.md §4, §7"
)
REF_RATE = f"{NOTICE} 补贴标准=基数×涨幅, 同时达到两个启动条件的从高; 食品涨幅×食品消费支出占比 [D]"
REF_AMOUNT = f"{NOTICE} 按月测算发放; 四舍五入至分; 每人每月最低补贴 [L]"


PARAMETERS: tuple[ParameterSpec, ...] = _PARAMETERS
REQUIRED_KEYS: tuple[str, ...] = (
    "price.cpi_yoy",
    "price.food_cpi_yoy",
    "price.cpi_threshold",
    "price.food_threshold",
    "price.food_weight",
    "price.covered_categories",
)
OPTIONAL_KEYS: tuple[str, ...] = (
    "price.min_per_person",
    "dibao.standard",  # the base of dibao_standard categories (declared by the dibao module)
    *(k for k in tekun.BASIC_KEYS if k != "dibao.standard"),  # the base of tekun_basic ones
)


def _need(params: ParameterSet, key: str) -> ParameterUsed:
    if key not in params:
        raise MissingParameters([key])
    return params[key]


def _pct(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def _zh(category: str) -> str:
    return CATEGORY_ZH.get(category, category)


def _month(benefit_month: str) -> str:
    year, month = benefit_month.split("-")
    return f"{year}年{int(month)}月"


def _request(h: Household) -> PriceSubsidyRequest:
    req = h.price_subsidy
    if req is None:
        raise InvalidHousehold(
            "a price-subsidy assessment needs the price_subsidy request (who receives what)"
        )
    unknown = sorted(set(req.recipients) - {m.member_id for m in h.members})
    if unknown:
        raise InvalidHousehold(f"price_subsidy names no member {unknown}")
    return req


def _result(
    eligible: bool, amount: Decimal, codes: list[str], params: ParameterSet, trace: Trace, **kw: Any
) -> Assessment:
    named = {p.key for step in trace.steps for p in step.parameters}
    return Assessment(
        programme=PROGRAMME,
        eligible=eligible,
        amount=amount,
        reason_codes=tuple(codes),
        # the versions the trace names: a dibao-only household does not use the tekun keys
        parameters=tuple(params[k] for k in REQUIRED_KEYS + OPTIONAL_KEYS if k in named),
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        **kw,
    )


def assess(household: Household, params: ParameterSet) -> Assessment:
    """Assess the household's price subsidy for the benefit month."""
    require(params, REQUIRED_KEYS)
    req = _request(household)
    trace = Trace()
    by_cpi, by_food = _trigger(household, params, trace)
    figures: dict[str, Any] = {
        "cpi_yoy": params["price.cpi_yoy"].decimal,
        "food_cpi_yoy": params["price.food_cpi_yoy"].decimal,
    }
    if not (by_cpi or by_food):
        return _result(False, ZERO, ["PRICE_RISE_BELOW_THRESHOLDS"], params, trace, figures=figures)
    codes = [
        code for hit, code in ((by_cpi, "CPI_TRIGGERED"), (by_food, "FOOD_PRICE_TRIGGERED")) if hit
    ]
    covered, uncovered = _covered(household, req, params, trace)
    if uncovered:
        codes.append("CATEGORY_NOT_COVERED")
    if not covered:
        return _result(
            False, ZERO, [*codes, "NO_COVERED_RECIPIENT"], params, trace, figures=figures
        )
    rate, basis = _rate(params, by_cpi, by_food, trace)
    codes.append(f"BASIS_{basis.upper()}")
    table = params["price.covered_categories"].value
    bases = {
        cat: _base(cat, table[cat], params, trace)
        for cat in dict.fromkeys(c for cats in covered.values() for c in cats)
    }
    p_min = params.get("price.min_per_person")
    each = {cat: _per_person(base, rate, p_min) for cat, base in bases.items()}
    # the most favourable category per person, paid once (ties: the first in name order)
    groups = _groups(
        {m: max(sorted(cats), key=lambda c: each[c][0]) for m, cats in covered.items()}
    )
    breakdown: dict[str, Decimal] = {}
    per_person: dict[str, Decimal] = {}
    for cat, persons in groups.items():
        amount, raised = each[cat]
        breakdown[cat] = amount * len(persons)
        per_person |= dict.fromkeys(persons, amount)
        if raised and "RAISED_TO_MINIMUM" not in codes:
            codes.append("RAISED_TO_MINIMUM")
        _amount_step(cat, bases[cat], rate, each[cat], persons, covered, p_min, trace)
    total = sum(breakdown.values(), ZERO)
    trace.add(
        "PRICE-TOTAL-01",
        REF_AMOUNT,
        inputs={"per_person": per_person},
        result={"covered_persons": len(per_person), "amount": total},
        explanation=(
            f"本户{len(per_person)}人享受价格临时补贴："
            + "+".join(f"{_zh(c)}{len(v)}人×{yuan(each[c][0])}元" for c, v in groups.items())
            + f"，{_month(household.benefit_month)}合计{yuan(total)}元。"
        ),
    )
    figures |= {
        "basis": basis,
        "rate": rate,
        "bases": bases,
        "per_person": per_person,
        "covered_persons": len(per_person),
    }
    return _result(total > 0, total, codes, params, trace, breakdown=breakdown, figures=figures)


def _groups(chosen: dict[str, str]) -> dict[str, list[str]]:
    """Category → the persons paid under it, in the household's order."""
    out: dict[str, list[str]] = {}
    for m, cat in chosen.items():
        out.setdefault(cat, []).append(m)
    return out


def _trigger(h: Household, params: ParameterSet, trace: Trace) -> tuple[bool, bool]:
    p_cpi, p_food = params["price.cpi_yoy"], params["price.food_cpi_yoy"]
    p_cpi_t, p_food_t = params["price.cpi_threshold"], params["price.food_threshold"]
    by_cpi = p_cpi.decimal >= p_cpi_t.decimal
    by_food = p_food.decimal >= p_food_t.decimal

    def reached(hit: bool) -> str:
        return "达到" if hit else "未达到"

    trace.add(
        "PRICE-TRIG-01",
        REF_TRIGGER,
        inputs={"benefit_month": h.benefit_month},
        parameters=(p_cpi, p_food, p_cpi_t, p_food_t),
        result={"cpi_triggered": by_cpi, "food_triggered": by_food, "started": by_cpi or by_food},
        explanation=(
            f"{_month(h.benefit_month)}居民消费价格指数(CPI)同比涨幅{_pct(p_cpi.decimal)}，"
            f"{reached(by_cpi)}{_pct(p_cpi_t.decimal)}的启动条件；CPI中食品价格同比涨幅"
            f"{_pct(p_food.decimal)}，{reached(by_food)}{_pct(p_food_t.decimal)}的启动条件；"
            + ("启动价格临时补贴。" if by_cpi or by_food else "不启动价格临时补贴。")
        ),
    )
    return by_cpi, by_food


def _covered(
    h: Household, req: PriceSubsidyRequest, params: ParameterSet, trace: Trace
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    p_tab = params["price.covered_categories"]
    table = p_tab.value
    covered: dict[str, list[str]] = {}
    uncovered: dict[str, list[str]] = {}
    not_counted: list[Member] = []
    for m in h.members:
        if m.member_id not in req.recipients:
            continue
        cats = list(req.recipients[m.member_id])
        if not m.counted:
            not_counted.append(m)
        elif any(c in table for c in cats):
            covered[m.member_id] = [c for c in cats if c in table]
        else:
            uncovered[m.member_id] = cats
    parts = [f"{m}为{'、'.join(_zh(c) for c in cats)}" for m, cats in covered.items()]
    text = "，".join(parts) + "，在价格临时补贴保障范围内" if parts else "本户没有保障范围内的对象"
    if uncovered:
        text += "；" + "，".join(
            f"{m}({'、'.join(_zh(c) for c in cats) or '无救助类别'})"
            for m, cats in uncovered.items()
        )
        text += "不在本地价格临时补贴保障范围内(" + "、".join(_zh(c) for c in table) + ")"
    if not_counted:
        text += "；" + "、".join(f"{m.member_id}({m.exclusion})" for m in not_counted)
        text += "不计入家庭成员，不发放"
    trace.add(
        "PRICE-SCOPE-01",
        REF_SCOPE,
        inputs={"recipients": {m: list(c) for m, c in req.recipients.items()}},
        parameters=(p_tab,),
        result={
            "covered": covered,
            "not_covered": uncovered,
            "not_counted": [m.member_id for m in not_counted],
        },
        explanation=text + "。",
    )
    return covered, uncovered


def _rate(params: ParameterSet, by_cpi: bool, by_food: bool, trace: Trace) -> tuple[Decimal, str]:
    p_cpi, p_food = params["price.cpi_yoy"], params["price.food_cpi_yoy"]
    p_weight = params["price.food_weight"]
    cpi_rate = p_cpi.decimal if by_cpi else None
    food_rate = p_food.decimal * p_weight.decimal if by_food else None
    food_text = f"食品价格同比涨幅{_pct(p_food.decimal)}×食品消费支出占比{_pct(p_weight.decimal)}"
    if cpi_rate is not None and (food_rate is None or cpi_rate >= food_rate):
        rate, basis = cpi_rate, "cpi"
    else:
        assert food_rate is not None
        rate, basis = food_rate, "food"
    if cpi_rate is not None and food_rate is not None:
        text = (
            f"两个启动条件同时达到，从高：CPI同比涨幅{_pct(cpi_rate)}，{food_text}"
            f"={_pct(food_rate)}，按{_pct(rate)}计算。"
        )
    elif basis == "cpi":
        text = f"按CPI同比涨幅{_pct(rate)}计算。"
    else:
        text = f"按{food_text}={_pct(rate)}计算。"
    trace.add(
        "PRICE-RATE-01",
        REF_RATE,
        inputs={"cpi_triggered": by_cpi, "food_triggered": by_food},
        parameters=((p_cpi,) if by_cpi else ()) + ((p_food, p_weight) if by_food else ()),
        result={"cpi_rate": cpi_rate, "food_rate": food_rate, "rate": rate, "basis": basis},
        explanation=text,
    )
    return rate, basis


def _base(category: str, entry: dict[str, Any], params: ParameterSet, trace: Trace) -> Decimal:
    p_tab = params["price.covered_categories"]
    used: tuple[ParameterUsed, ...] = (p_tab,)
    if entry.get("base") == "dibao_standard":
        p_std = _need(params, "dibao.standard")
        used, base = (p_tab, p_std), p_std.decimal
        how = f"当地低保标准每人每月{yuan(base)}元"
    elif entry.get("base") == "tekun_basic":
        base = tekun.basic_standard(params, trace)
        how = f"特困人员基本生活标准每人每月{yuan(base)}元(见上一步)"
    else:
        base = Decimal(str(entry["amount"]))
        how = f"本地保障范围表所列基本生活保障标准每人每月{yuan(base)}元"
    trace.add(
        "PRICE-BASE-01",
        REF_BASE,
        inputs={"category": category, "base": entry.get("base", "amount")},
        parameters=used,
        result={"base": base},
        explanation=f"{_zh(category)}以{how}为补贴基数。",
    )
    return base


def _per_person(base: Decimal, rate: Decimal, p_min: ParameterUsed | None) -> tuple[Decimal, bool]:
    amount = round_half_up(base * rate)
    if p_min is not None and amount < p_min.decimal:
        return p_min.decimal, True
    return amount, False


def _amount_step(
    category: str,
    base: Decimal,
    rate: Decimal,
    paid: tuple[Decimal, bool],
    persons: list[str],
    covered: dict[str, list[str]],
    p_min: ParameterUsed | None,
    trace: Trace,
) -> None:
    amount, raised = paid
    several = [m for m in persons if len(covered[m]) > 1]
    text = (
        f"{_zh(category)}{'、'.join(persons)}：每人每月{yuan(base)}元×{_pct(rate)}"
        f"={yuan(round_half_up(base * rate))}元(四舍五入至分)"
    )
    if raised and p_min is not None:
        text += f"，低于每人每月最低补贴{yuan(p_min.decimal)}元，按{yuan(amount)}元发放"
    if several:
        text += f"；{'、'.join(several)}同时属于多类对象，按较高的{_zh(category)}标准发放一次"
    text += f"；{len(persons)}人小计{yuan(amount * len(persons))}元。"
    trace.add(
        "PRICE-AMT-01",
        REF_AMOUNT,
        inputs={"category": category, "base": base, "rate": rate, "persons": persons},
        parameters=(p_min,) if p_min is not None else (),
        result={
            "per_person": amount,
            "subtotal": amount * len(persons),
            "raised_to_minimum": raised,
        },
        explanation=text,
    )
