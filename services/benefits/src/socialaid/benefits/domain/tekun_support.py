"""Tekun §8: is a legal supporter unable to support? (特困人员认定办法 §8-9, rules.md §7, R-CA-05).

A supporter is unable when: tekun themselves; a dibao recipient aged ≥ ``tekun.supporter_dibao_min_age``;
aged ≥ ``tekun.supporter_old_age`` or severely disabled, with income below last year's local
per-capita disposable income (``rigid.disposable_income_last_year``) and assets within the
low-income limits; without civil capacity, missing, or in prison. When the caller gives no
supporters' facts, the stated ``has_supporter`` / ``supporter_able`` are used.
"""

from __future__ import annotations

from dataclasses import asdict

from socialaid.benefits.domain.household import Member, Supporter
from socialaid.benefits.domain.parameters import ParameterSet, ParameterUsed
from socialaid.benefits.domain.result import MissingParameters
from socialaid.benefits.domain.trace import Trace

REF_SUPPORT = "特困人员认定办法(2021) 第八条、第九条; rules.md §7"


def need(params: ParameterSet, key: str) -> ParameterUsed:
    if key not in params:
        raise MissingParameters([key])
    return params[key]


def _supporter_unable(s: Supporter, params: ParameterSet) -> tuple[bool, str]:
    if s.tekun:
        return True, "本人为特困人员"
    if s.no_civil_capacity or s.missing or s.in_prison:
        return True, "无民事行为能力、被宣告失踪或在监狱服刑"
    p_dibao_age = need(params, "tekun.supporter_dibao_min_age")
    if s.dibao_recipient and s.age >= int(p_dibao_age.decimal):
        return True, f"{p_dibao_age.decimal}周岁以上的低保对象"
    p_old = need(params, "tekun.supporter_old_age")
    if s.age >= int(p_old.decimal) or s.severe_disability:
        p_line = need(params, "rigid.disposable_income_last_year")
        low = (
            s.annual_per_capita_income is not None
            and s.annual_per_capita_income < p_line.decimal
            and s.assets_within_low_income_limits
        )
        if low:
            return (
                True,
                f"年满{p_old.decimal}周岁或重度残疾，且收入低于上年度人均可支配收入、财产符合低收入家庭规定",
            )
    return False, "具备履行义务能力"


def no_able_supporter(m: Member, params: ParameterSet, trace: Trace) -> bool:
    if m.supporters:
        verdicts = [_supporter_unable(s, params) for s in m.supporters]
        unsupported = all(v for v, _ in verdicts)
        keys = (
            "tekun.supporter_dibao_min_age",
            "tekun.supporter_old_age",
            "rigid.disposable_income_last_year",
        )
        trace.add(
            "TEKUN-SUP-01",
            REF_SUPPORT,
            inputs={"supporters": [asdict(s) for s in m.supporters]},
            parameters=tuple(params[k] for k in keys if k in params),
            result={
                "supporters_unable": [v for v, _ in verdicts],
                "no_able_supporter": unsupported,
            },
            explanation=(
                "法定义务人情况："
                + "；".join(f"第{i + 1}人{why}" for i, (_, why) in enumerate(verdicts))
                + ("，均无履行义务能力。" if unsupported else "，有具备履行义务能力者。")
            ),
        )
        return unsupported
    unsupported = not m.has_supporter or not m.supporter_able
    trace.add(
        "TEKUN-SUP-01",
        REF_SUPPORT,
        inputs={"has_supporter": m.has_supporter, "supporter_able": m.supporter_able},
        result={"no_able_supporter": unsupported},
        explanation=(
            "无法定赡养、抚养、扶养义务人。"
            if not m.has_supporter
            else "法定义务人经认定无履行义务能力。"
            if unsupported
            else "法定义务人具备履行义务能力。"
        ),
    )
    return unsupported
