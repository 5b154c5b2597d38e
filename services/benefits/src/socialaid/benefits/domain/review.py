"""Review frequency from the household profile (动态管理; rules.md §12; R-IN-12).

Seed 003 §14: yearly for households with no income source, no labour capacity and no supporter;
half-yearly for serious illness/disability or unchanged income; quarterly for a clear, stable
income; monthly for an irregular income. The profile → frequency table is the parameter
``review.frequencies``; when a household fits several profiles the most frequent review applies
(an irregular income is watched monthly even if a member is also seriously ill).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from socialaid.benefits.domain.household import Household, Member
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec, ParameterValueError
from socialaid.benefits.domain.result import ReviewFrequency
from socialaid.benefits.domain.trace import Trace

REF_REVIEW = "动态管理、定期复核 (seed 003 §14; 民政部2021年规定) [N; 频次 L]; rules.md §12"
FREQUENCIES: tuple[str, ...] = (
    "monthly",
    "quarterly",
    "semiannual",
    "annual",
)  # most frequent first
PROFILES = (
    "no_income_no_labour_no_supporter",
    "serious_illness_or_disability",
    "income_unchanged",
    "stable_income",
    "irregular_income",
)
ZH = {
    "no_income_no_labour_no_supporter": "无生活来源、无劳动能力且无法定赡养抚养扶养人",
    "serious_illness_or_disability": "有重病、重残成员",
    "income_unchanged": "收入无变化",
    "stable_income": "收入来源明确且变化不大",
    "irregular_income": "收入来源不固定或不易确定",
    "default": "其他家庭",
}
FREQ_ZH = {"monthly": "每月", "quarterly": "每季度", "semiannual": "每半年", "annual": "每年"}
# Income categories that come and go; anything else (wages, pensions, rent …) is a stable source.
IRREGULAR = frozenset({"business", "other", "gifts", "compensation", "support_received"})


def _validate(raw: Any) -> None:
    if not isinstance(raw, dict) or "default" not in raw:
        raise ParameterValueError("review.frequencies takes an object with at least a 'default'")
    unknown = set(raw) - set(PROFILES) - {"default"}
    if unknown:
        raise ParameterValueError(f"review.frequencies: unknown profiles {sorted(unknown)}")
    bad = {k: v for k, v in raw.items() if v not in FREQUENCIES}
    if bad:
        raise ParameterValueError(f"review.frequencies: values must be one of {FREQUENCIES}")


PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec(
        key="review.frequencies",
        kind="json",
        unit="{profile: monthly | quarterly | semiannual | annual}",
        description="复核频次 by household profile (rules.md §12): "
        + ", ".join(PROFILES)
        + ", default",
        validate_json=_validate,
    ),
)


def profiles(h: Household, members: Iterable[Member], countable_income: Decimal) -> list[str]:
    members = tuple(members)
    out = []
    if (
        countable_income == 0
        and all(m.labour_capacity == "none" for m in members)
        and not any(m.has_supporter for m in members)
        and not h.obligors
    ):
        out.append("no_income_no_labour_no_supporter")
    if any(m.serious_illness or m.severe_disability for m in members):
        out.append("serious_illness_or_disability")
    stability = h.income_stability
    if stability is None and countable_income > 0:
        sources = {c for m in members for c, v in m.incomes.items() if v > 0}
        stability = "irregular" if sources & IRREGULAR else "stable"
    if stability == "unchanged":
        out.append("income_unchanged")
    elif stability == "stable":
        out.append("stable_income")
    elif stability == "irregular":
        out.append("irregular_income")
    return out


def review_frequency(
    h: Household,
    members: Iterable[Member],
    countable_income: Decimal,
    params: ParameterSet,
    trace: Trace,
) -> ReviewFrequency | None:
    """The review frequency for a household receiving aid; None without a table in force."""
    p = params.get("review.frequencies")
    if p is None:
        return None
    table: dict[str, str] = p.value
    found = [x for x in profiles(h, members, countable_income) if x in table]
    chosen = found or ["default"]
    freq = min((table[x] for x in chosen), key=FREQUENCIES.index)
    trace.add(
        "REVIEW-01",
        REF_REVIEW,
        inputs={"profiles": found, "income_stability": h.income_stability},
        parameters=(p,),
        result={"review_frequency": freq},
        explanation=(
            "家庭情况："
            + "、".join(ZH[x] for x in chosen)
            + f"，按{FREQ_ZH[freq]}一次动态复核"
            + ("(符合多项时取复核最频繁的一项)。" if len(chosen) > 1 else "。")
        ),
    )
    return cast(ReviewFrequency, freq)
