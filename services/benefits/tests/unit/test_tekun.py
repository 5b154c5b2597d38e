"""Tekun: the three conditions, the §8 supporter test, basic and care standards (R-CA-04, R-CA-05).

Parameters are the demonstration seeds of migration 0004 (plus a dibao standard of 800.00, as
migration 0002 seeds for 2025), so these tests also prove the seeded values parse and assess.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.benefits.tests.support.benefits_testing import in_force, load_seed
from socialaid.benefits.domain import engine, tekun
from socialaid.benefits.domain.household import Household, Member, Supporter
from socialaid.benefits.domain.parameters import ParameterUsed, ParameterValueError
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters, round_half_up

D = Decimal


SEED = load_seed("2026_11_22_0004_seed_programme_parameters.py")


def used(key, value, region="141100", valid_from=dt.date(2025, 1, 1)):
    return ParameterUsed(key, value, region, valid_from, None, f"id-{key}")


def params(day=dt.date(2025, 6, 1), standard="800.00", drop=(), **over):
    out = in_force(SEED, "tekun.", day)
    out["dibao.standard"] = used("dibao.standard", D(standard))
    out["rigid.disposable_income_last_year"] = used(
        "rigid.disposable_income_last_year", D("23000.00")
    )
    out["income.excluded_categories"] = used("income.excluded_categories", ["disability_subsidy"])
    for k, v in over.items():
        key = k.replace("__", ".")
        out[key] = used(key, v)
    for k in drop:
        out.pop(k)
    return out


def person(age=70, **kw):
    kw.setdefault("labour_capacity", "none")
    kw.setdefault("adl_unable", 0)
    return Member(member_id="p1", birth_date=dt.date(2025 - age, 6, 1), **kw)


def hh(member=None, month="2025-06", **kw):
    return Household(region_code="141100", benefit_month=month, members=(member or person(),), **kw)


def test_r_ca_04_elderly_self_care_gets_basic_plus_care():
    r = tekun.assess(hh(), params())
    assert r.eligible and r.reason_codes == ("ELDERLY",)
    # basic = max(1.3 × 800 = 1040, 0.6 × 16000 / 12 = 800); care = 1880 / 10 = 188
    assert r.breakdown == {"basic": D("1040.00"), "care": D("188.00")}
    assert r.amount == D("1228.00")
    assert (r.approval_level, r.review_frequency) == ("county", "annual")
    assert r.figures["care_tier"] == "self_care" and r.rule_set_version == tekun.RULE_SET_VERSION


def test_r_ca_04_basic_takes_the_consumption_floor_when_it_is_higher():
    r = tekun.assess(hh(), params(tekun__consumption_last_year=D("24000.00")))
    assert r.breakdown["basic"] == D("1200.00")  # 0.6 × 24000 / 12 > 1.3 × 800


def test_r_ca_04_basic_is_rounded_half_up_once():
    r = tekun.assess(hh(), params(standard="800.05"))
    assert r.breakdown["basic"] == D("1040.07")  # 1040.065 → HALF_UP (HALF_EVEN gives 1040.06)


def test_r_ca_04_mid_year_standard_change_moves_the_basic_standard():
    assert tekun.assess(hh(month="2026-06"), params(dt.date(2026, 6, 1))).breakdown["basic"] == D(
        "1040.00"
    )
    r = tekun.assess(hh(month="2026-07"), params(dt.date(2026, 7, 1), standard="850.00"))
    assert r.breakdown["basic"] == D("1105.00")  # 1.3 × 850; consumption 0.6 × 16800 / 12 = 840


@pytest.mark.parametrize(
    ("unable", "tier", "care"),
    [
        (0, "self_care", "188.00"),
        (1, "partial_loss", "313.33"),  # 1880 / 6 = 313.333…
        (3, "partial_loss", "313.33"),
        (4, "total_loss", "470.00"),
        (6, "total_loss", "470.00"),
    ],
)
def test_r_ca_04_care_tier_from_the_six_daily_activities(unable, tier, care):
    r = tekun.assess(hh(person(adl_unable=unable)), params())
    assert r.figures["care_tier"] == tier and r.breakdown["care"] == D(care)
    assert r.amount == r.breakdown["basic"] + r.breakdown["care"]


def test_r_ca_04_care_amounts_may_be_fixed_yuan():
    table = {
        "self_care": {"amount": "100.00"},
        "partial_loss": {"amount": "300.00"},
        "total_loss": {"amount": "900.00"},
    }
    r = tekun.assess(
        hh(person(adl_unable=5)), params(tekun__care_amounts=table, drop=("tekun.min_wage",))
    )
    assert r.breakdown["care"] == D("900.00")


def test_r_ca_04_share_of_min_wage_without_a_min_wage_is_missing():
    with pytest.raises(MissingParameters) as e:
        tekun.assess(hh(), params(drop=("tekun.min_wage",)))
    assert e.value.keys == ["tekun.min_wage"]


def test_r_ca_05_missing_required_parameter():
    with pytest.raises(MissingParameters):
        tekun.assess(hh(), params(drop=("tekun.basic_multiplier",)))


@pytest.mark.parametrize(
    ("dtype", "grade", "ok"),
    [
        ("intellectual", 3, True),
        ("mental", 3, True),
        ("mental", 4, False),
        ("physical", 2, True),
        ("physical", 3, False),
        ("visual", 1, True),
        ("visual", 2, False),
        ("hearing", 1, False),
    ],
)
def test_r_ca_05_disability_categories(dtype, grade, ok):
    m = person(40, disability_type=dtype, disability_grade=grade, labour_capacity="full")
    r = tekun.assess(hh(m), params())
    assert r.eligible is ok
    # a qualifying disability is deemed to have no labour capacity (认定办法 §7)
    assert ("SEVERELY_DISABLED" in r.reason_codes) is ok
    if not ok:
        assert {"NO_TEKUN_CATEGORY", "HAS_LABOUR_CAPACITY"} <= set(r.reason_codes)


def test_r_ca_05_elderly_from_the_birthday():
    born = dt.date(1965, 6, 1)
    r = tekun.assess(hh(Member("p1", born, labour_capacity="full", adl_unable=0)), params())
    assert r.eligible and "ELDERLY" in r.reason_codes  # 60 on 2025-06-01
    m = Member("p1", dt.date(1965, 6, 2), labour_capacity="partial", adl_unable=0)
    r = tekun.assess(hh(m), params())
    assert not r.eligible and {"NO_TEKUN_CATEGORY", "HAS_LABOUR_CAPACITY"} <= set(r.reason_codes)


def test_r_ca_05_minors_under_18_and_the_labour_capacity_test():
    assert tekun.assess(hh(person(10, labour_capacity="full")), params()).eligible  # < 16: deemed
    r = tekun.assess(hh(person(17, labour_capacity="full")), params())
    assert not r.eligible and r.reason_codes == ("MINOR", "HAS_LABOUR_CAPACITY")
    assert tekun.assess(hh(person(17)), params()).eligible


def test_r_ca_05_minor_kept_on_while_in_school_only_if_already_tekun():
    from socialaid.benefits.domain.household import PreviousAward

    m = person(19, in_school=True, school_stage="senior_secondary")
    prev = PreviousAward(programme="tekun", monthly_amount=D("1228.00"), since_month="2020-01")
    r = tekun.assess(hh(m, previous=prev), params())
    assert r.eligible and r.reason_codes == ("MINOR_KEPT_ON_IN_SCHOOL",)
    assert tekun.assess(hh(m), params()).reason_codes == ("NO_TEKUN_CATEGORY",)


def test_r_ca_05_income_strictly_below_the_dibao_standard():
    assert not tekun.assess(hh(person(incomes={"pension_local": D("800.00")})), params()).eligible
    r = tekun.assess(hh(person(incomes={"pension_local": D("799.99")})), params())
    assert r.eligible
    r = tekun.assess(hh(person(incomes={"pension_local": D("800.00")})), params())
    assert r.reason_codes == ("ELDERLY", "INCOME_NOT_BELOW_STANDARD")


def test_r_ca_05_tekun_income_excludes_medical_insurance_and_old_age_allowance():
    incomes = {
        "medical_insurance": D("5000.00"),
        "old_age_allowance": D("100.00"),
        "social_assistance": D("900.00"),
        "pension_central_basic": D("150.00"),
        "disability_subsidy": D("200.00"),  # local exclusion (income.excluded_categories)
        "pension_local": D("500.00"),
    }
    r = tekun.assess(hh(person(incomes=incomes)), params())
    assert r.eligible
    step = next(s for s in r.trace.steps if s.rule_id == "TEKUN-INC-01")
    assert step.result["countable_income"] == D("500.00")
    # without the local list the disability subsidy counts: 700 is still below 800
    r = tekun.assess(hh(person(incomes=incomes)), params(drop=("income.excluded_categories",)))
    step = next(s for s in r.trace.steps if s.rule_id == "TEKUN-INC-01")
    assert step.result["countable_income"] == D("700.00")


def test_r_ca_05_assets_within_the_tekun_limit():
    assert tekun.assess(hh(assets=_assets("19200.00")), params()).eligible  # 24 × 800
    r = tekun.assess(hh(assets=_assets("19200.01")), params())
    assert not r.eligible and "ASSETS_OVER_TEKUN_LIMIT" in r.reason_codes


def _assets(fin):
    from socialaid.benefits.domain.household import Assets

    return Assets(financial=D(fin))


def test_r_ca_05_supporter_stated_by_the_caller():
    r = tekun.assess(hh(person(has_supporter=True, supporter_able=True)), params())
    assert not r.eligible and r.reason_codes == ("ELDERLY", "SUPPORTER_ABLE")
    assert tekun.assess(hh(person(has_supporter=True, supporter_able=False)), params()).eligible


@pytest.mark.parametrize(
    ("supporter", "unable"),
    [
        (Supporter(age=45, tekun=True), True),
        (Supporter(age=60, dibao_recipient=True), True),
        (Supporter(age=59, dibao_recipient=True), False),
        (Supporter(age=70, annual_per_capita_income=D("22999.99"), assets_within_low_income_limits=True), True),
        (Supporter(age=70, annual_per_capita_income=D("23000.00"), assets_within_low_income_limits=True), False),
        (Supporter(age=70, annual_per_capita_income=D("10000.00")), False),  # assets not low
        (Supporter(age=69, annual_per_capita_income=D("10000.00"), assets_within_low_income_limits=True), False),
        (Supporter(age=40, severe_disability=True, annual_per_capita_income=D("5000.00"), assets_within_low_income_limits=True), True),
        (Supporter(age=40, in_prison=True), True),
        (Supporter(age=40, missing=True), True),
        (Supporter(age=40, no_civil_capacity=True), True),
        (Supporter(age=45), False),
    ],
)  # fmt: skip
def test_r_ca_05_supporter_capacity_test_of_article_8(supporter, unable):
    r = tekun.assess(hh(person(has_supporter=True, supporters=(supporter,))), params())
    assert r.eligible is unable
    step = next(s for s in r.trace.steps if s.rule_id == "TEKUN-SUP-01")
    assert step.result["supporters_unable"] == [unable] and step.explanation


def test_r_ca_05_every_supporter_must_be_unable():
    both = (Supporter(age=80, tekun=True), Supporter(age=45))
    r = tekun.assess(hh(person(supporters=both)), params())
    assert not r.eligible and "SUPPORTER_ABLE" in r.reason_codes


def test_r_ca_05_supporter_income_test_needs_the_disposable_income_line():
    s = Supporter(age=75, annual_per_capita_income=D("1.00"), assets_within_low_income_limits=True)
    with pytest.raises(MissingParameters):
        tekun.assess(
            hh(person(supporters=(s,))), params(drop=("rigid.disposable_income_last_year",))
        )


def test_r_ca_12_trace_names_rule_reference_parameters_and_explanation():
    r = tekun.assess(hh(person(adl_unable=2)), params())
    ids = [s.rule_id for s in r.trace.steps]
    assert ids == [
        "TEKUN-CAT-01",
        "TEKUN-LAB-01",
        "TEKUN-INC-01",
        "TEKUN-AST-01",
        "TEKUN-SUP-01",
        "TEKUN-ELIG-01",
        "TEKUN-BASIC-01",
        "TEKUN-CARE-01",
        "TEKUN-AMT-01",
    ]
    for step in r.trace.to_list():
        assert step["legal_ref"] and step["说明"]
    basic = next(s for s in r.trace.to_list() if s["rule_id"] == "TEKUN-BASIC-01")
    assert {p["key"] for p in basic["parameters"]} == {
        "dibao.standard",
        "tekun.basic_multiplier",
        "tekun.consumption_share",
        "tekun.consumption_last_year",
    }
    assert all(p["valid_from"] == "2025-01-01" for p in basic["parameters"])
    assert "1,040.00" in basic["说明"]
    care = next(s for s in r.trace.steps if s.rule_id == "TEKUN-CARE-01")
    assert "部分丧失" in care.explanation and "1/6" in care.explanation


def test_r_ca_05_who_is_assessed():
    a = Member(
        "a", dt.date(1950, 1, 1), relationship="applicant", labour_capacity="none", adl_unable=0
    )
    b = Member("b", dt.date(1990, 1, 1), relationship="child")
    r = tekun.assess(Household("141100", "2025-06", (a, b)), params())
    assert r.figures["member_id"] == "a"
    with pytest.raises(InvalidHousehold):
        tekun.assess(
            Household(
                "141100", "2025-06", (b, Member("c", dt.date(1990, 1, 1), relationship="spouse"))
            ),
            params(),
        )
    with pytest.raises(InvalidHousehold):
        tekun.assess(Household("141100", "2025-06", (a,), single_person_member_id="zz"), params())
    r = tekun.assess(Household("141100", "2025-06", (a, b), single_person_member_id="b"), params())
    assert r.figures["member_id"] == "b" and not r.eligible


@pytest.mark.parametrize(
    "member",
    [
        person(adl_unable=7),
        person(adl_unable=None),  # eligible, but the care tier needs the fact
        person(incomes={"wages": D("-1")}),
        person(incomes={"lottery": D("1")}),
        person(exclusion="prison"),
    ],
)
def test_r_ca_05_bad_facts_are_refused(member):
    with pytest.raises(InvalidHousehold):
        tekun.assess(hh(member), params())


def test_r_ca_04_seeded_values_parse_and_tables_are_validated():
    keys = {k for k, *_ in SEED if k.startswith("tekun.")}
    assert keys == {s.key for s in tekun.PARAMETERS}
    assert set(tekun.REQUIRED_KEYS + tekun.OPTIONAL_KEYS) <= set(engine.CATALOGUE)
    spec = engine.CATALOGUE["tekun.care_amounts"]
    for bad in (
        {"self_care": {"amount": "1"}},  # tiers missing
        {t: {"amount": 1.5} for t in ("self_care", "partial_loss", "total_loss")},  # float
        {t: {"min_wage_share": "3/2"} for t in ("self_care", "partial_loss", "total_loss")},
        {t: {"share": "1/2"} for t in ("self_care", "partial_loss", "total_loss")},
    ):
        with pytest.raises(ParameterValueError):
            spec.parse(bad)
    with pytest.raises(ParameterValueError):
        engine.CATALOGUE["tekun.disability_max_grade"].parse({"physical": 5})
    assert engine.assess("tekun", hh(), params()).amount == D("1228.00")


@given(
    standard=st.decimals(min_value=D("100"), max_value=D("3000"), places=2),
    consumption=st.decimals(min_value=D("1000"), max_value=D("80000"), places=2),
    multiplier=st.decimals(min_value=D("1"), max_value=D("2"), places=2),
    unable=st.integers(0, 6),
    pension=st.decimals(min_value=D("0"), max_value=D("5000"), places=2),
)
def test_r_ca_04_property_basic_at_least_both_floors_and_never_negative(
    standard, consumption, multiplier, unable, pension
):
    p = params(
        standard=str(standard),
        tekun__consumption_last_year=consumption,
        tekun__basic_multiplier=multiplier,
    )
    r = tekun.assess(hh(person(adl_unable=unable, incomes={"pension_local": pension})), p)
    assert r.amount >= 0
    assert r.eligible is (pension < standard)
    if r.eligible:
        assert r.breakdown["basic"] >= round_half_up(multiplier * standard)
        assert r.breakdown["basic"] >= round_half_up(D("0.6") * consumption / 12)
        assert r.amount == r.breakdown["basic"] + r.breakdown["care"]
    else:
        assert r.amount == 0
