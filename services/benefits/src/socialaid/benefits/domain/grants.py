"""Education, housing, heating and employment aid as parameterised amounts (R-CA-11, R-CA-12).

One module serves four programmes; the request (``GrantRequest.programme``) says which. Each
programme has a table ``<programme>.amounts``: category → {"amount", "per", optional "statuses"},
e.g. education by school stage (a member must be in school at that stage), housing
``rent_subsidy`` per month or ``renovation`` once, heating per household per season,
employment ``job_seeking`` once. Eligibility needs a recognised status as a fact of the request
(dibao, tekun or edge unless the table entry lists its own statuses) (rules.md §5, R-CA-11).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from socialaid.benefits.domain.household import GrantRequest, Household, SchoolStage
from socialaid.benefits.domain.parameters import ParameterSet, ParameterSpec, ParameterValueError
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    MissingParameters,
    round_half_up,
    yuan,
)
from socialaid.benefits.domain.trace import Trace

PROGRAMME = "grants"
PROGRAMMES = ("education", "housing", "heating", "employment")
RULE_SET_VERSION = "grants/2026.1"
ZERO = Decimal("0.00")
STATUSES = ("dibao", "tekun", "edge", "rigid_expenditure")
DEFAULT_STATUSES = ("dibao", "tekun", "edge")
PERIODS = ("once", "month", "season", "year")
SCHOOL_STAGES = frozenset(get_args(SchoolStage))
ZH = {
    "education": "教育救助",
    "housing": "住房救助",
    "heating": "取暖救助",
    "employment": "就业救助",
    "dibao": "低保对象",
    "tekun": "特困人员",
    "edge": "低保边缘家庭",
    "rigid_expenditure": "刚性支出困难家庭",
    "once": "一次性",
    "month": "每月",
    "season": "每个采暖季",
    "year": "每学年",
}
CATEGORY_ZH = {
    "preschool": "学前教育",
    "primary": "小学",
    "junior_secondary": "初中",
    "senior_secondary": "普通高中",
    "vocational": "中等职业教育",
    "undergraduate": "本专科",
    "postgraduate": "研究生",
    "rent_subsidy": "租赁补贴",
    "renovation": "农村危房改造",
    "central": "集中供暖",
    "self_heating": "自行取暖",
    "job_seeking": "求职补贴",
    "first_business": "首次创业补贴",
}
REFS = {
    "education": "社会救助暂行办法 第三十三条至第三十六条; 000 §二(五); 003 §4; rules.md §5",
    "housing": "社会救助暂行办法 第三十七条至第四十条(租赁补贴、公租房、农村危房改造); 000 §二(六); 003 §5",
    "heating": "000 §二(七)(取暖救助) [L]; 003 §6",
    "employment": "社会救助暂行办法 第四十二条至第四十五条; 000 §二(七); 003 §7",
}


def _validator(programme: str) -> Callable[[Any], None]:
    key = f"{programme}.amounts"

    def validate(raw: Any) -> None:
        if not isinstance(raw, dict) or not raw:
            raise ParameterValueError(f'{key} maps categories to {{"amount", "per", "statuses"?}}')
        for cat, entry in raw.items():
            where = f"{key}.{cat}"
            if programme == "education" and cat not in SCHOOL_STAGES:
                raise ParameterValueError(f"{where}: education categories are school stages")
            if (
                not isinstance(entry, dict)
                or not {"amount", "per"} <= set(entry)
                or set(entry)
                - {
                    "amount",
                    "per",
                    "statuses",
                }
            ):
                raise ParameterValueError(f'{where}: {{"amount", "per", "statuses"?}}')
            v = entry["amount"]
            if isinstance(v, bool | float) or not isinstance(v, str | int):
                raise ParameterValueError(f"{where}.amount: a decimal string, never a float")
            try:
                d = Decimal(str(v))
            except InvalidOperation as exc:
                raise ParameterValueError(f"{where}.amount: {v!r} is not a number") from exc
            if not d.is_finite() or d < 0 or d.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: the exponent is an int
                raise ParameterValueError(f"{where}.amount: money ≥ 0, two decimals at most")
            if entry["per"] not in PERIODS:
                raise ParameterValueError(f"{where}.per: one of {', '.join(PERIODS)}")
            statuses = entry.get("statuses", list(DEFAULT_STATUSES))
            if not isinstance(statuses, list) or not statuses or set(statuses) - set(STATUSES):
                raise ParameterValueError(f"{where}.statuses: a non-empty subset of {STATUSES}")

    return validate


PARAMETERS: tuple[ParameterSpec, ...] = tuple(
    ParameterSpec(
        key=f"{p}.amounts",
        kind="json",
        unit='{category: {"amount": yuan, "per": once|month|season|year, "statuses"?: [...]}}',
        description=f"{ZH[p]} amounts by category (R-CA-11) [D]",
        validate_json=_validator(p),
    )
    for p in PROGRAMMES
)
REQUIRED_KEYS: tuple[str, ...] = ()
# Each request needs only its own programme's table (checked in assess).
OPTIONAL_KEYS: tuple[str, ...] = tuple(f"{p}.amounts" for p in PROGRAMMES)


def _request(h: Household) -> GrantRequest:
    g = h.grant
    if g is None:
        raise InvalidHousehold("a grant assessment needs the grant request")
    if g.programme not in PROGRAMMES:
        raise InvalidHousehold(f"unknown grant programme {g.programme!r}")
    unknown = set(g.status) - set(STATUSES)
    if unknown:
        raise InvalidHousehold(f"unknown household status {sorted(unknown)}")
    return g


def assess(household: Household, params: ParameterSet) -> Assessment:
    """Assess one education, housing, heating or employment grant request."""
    g = _request(household)
    key = f"{g.programme}.amounts"
    if key not in params:
        raise MissingParameters([key])
    p = params[key]
    trace = Trace()
    ref = REFS[g.programme]
    entry = p.value.get(g.category)
    label = CATEGORY_ZH.get(g.category, g.category)
    codes: list[str] = []
    trace.add(
        "GRANT-CAT-01",
        ref,
        inputs={"programme": g.programme, "category": g.category},
        parameters=(p,),
        result={"covered": entry is not None},
        explanation=(
            f"{ZH[g.programme]}类别“{label}”在本地救助目录内。"
            if entry is not None
            else f"{ZH[g.programme]}类别“{label}”不在本地救助目录内。"
        ),
    )
    if entry is None:
        return _result(g, False, ZERO, ["CATEGORY_NOT_COVERED"], p, trace, {})
    allowed = tuple(entry.get("statuses", DEFAULT_STATUSES))
    held = [s for s in g.status if s in allowed]
    trace.add(
        "GRANT-STATUS-01",
        ref,
        inputs={"status": list(g.status)},
        parameters=(p,),
        result={"qualifying_status": held, "allowed": list(allowed)},
        explanation=(
            "家庭属于" + "、".join(ZH[s] for s in held) + "，可以申请。"
            if held
            else "须为" + "、".join(ZH[s] for s in allowed) + "之一，本家庭不符合。"
        ),
    )
    if not held:
        codes.append("STATUS_NOT_QUALIFYING")
    if g.programme == "education":
        students = [
            m.member_id
            for m in household.counted_members
            if m.in_school and m.school_stage == g.category
        ]
        trace.add(
            "GRANT-EDU-01",
            ref,
            inputs={"school_stage": g.category},
            result={"students": students},
            explanation=(
                f"家庭中在读{label}阶段学生{len(students)}人。"
                if students
                else f"家庭中没有在读{label}阶段的学生。"
            ),
        )
        if not students:
            codes.append("NO_STUDENT_AT_STAGE")
    if codes:
        return _result(g, False, ZERO, codes, p, trace, {})
    amount = round_half_up(Decimal(str(entry["amount"])))
    per = entry["per"]
    trace.add(
        "GRANT-AMT-01",
        ref,
        inputs={"programme": g.programme, "category": g.category},
        parameters=(p,),
        result={"amount": amount, "per": per},
        explanation=f"{ZH[g.programme]}({label})标准{ZH[per]}{yuan(amount)}元。",
    )
    return _result(
        g,
        amount > 0,
        amount,
        [f"{g.programme.upper()}_{g.category.upper()}"],
        p,
        trace,
        {g.category: amount},
        per=per,
    )


def _result(
    g: GrantRequest,
    eligible: bool,
    amount: Decimal,
    codes: list[str],
    p: Any,
    trace: Trace,
    breakdown: dict[str, Decimal],
    per: str | None = None,
) -> Assessment:
    return Assessment(
        programme=g.programme,
        eligible=eligible,
        amount=amount,
        reason_codes=tuple(codes),
        parameters=(p,),
        trace=trace,
        rule_set_version=RULE_SET_VERSION,
        breakdown=breakdown,
        figures={"category": g.category, "per": per, "status": list(g.status)},
    )
