"""Dibao eligibility and amount: household unit, gap and tier methods, add-ons, rounding, floor,
mid-year change, trace; hypothesis properties (R-CA-01, R-CA-02, R-CA-03, R-CA-12)."""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialaid.benefits.domain import dibao, engine
from socialaid.benefits.domain.household import Household, Member
from socialaid.benefits.domain.parameters import ParameterUsed
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters

D = Decimal
BASE = {
    "dibao.standard": "800.00",
    "dibao.fin_assets_months": "24",
    "dibao.vehicle_exempt_value": "30000.00",
    "dibao.max_properties": "1",
    "dibao.employment_cost_rate": "0.30",
}
ADDONS: dict[str, Any] = {
    "dibao.addon_rates": {
        "serious_illness": "0.30",
        "severe_disability": "0.20",
        "aged_70": "0.10",
        "minor": "0.10",
    },
    "dibao.addon_elderly_age": "70",
}
TIERS: dict[str, Any] = {
    "dibao.method": {"method": "tiers"},
    "dibao.tiers": [
        {"tier": "A", "max_per_capita_income": "200.00", "amount_per_person": "495.00"},
        {"tier": "B", "max_per_capita_income": "500.00", "amount_per_person": "425.00"},
        {"tier": "C", "max_per_capita_income": None, "amount_per_person": "355.00"},
    ],
}


def params(*extra: dict[str, Any], valid_from=dt.date(2025, 1, 1), valid_to=None, **over):
    values = {**BASE}
    for e in extra:
        values.update(e)
    values.update({k.replace("__", "."): v for k, v in over.items()})
    return {
        k: ParameterUsed(
            key=k,
            value=engine.CATALOGUE[k].parse(v),
            region_code="141100",
            valid_from=valid_from,
            valid_to=valid_to,
            parameter_id=f"id-{k}",
        )
        for k, v in values.items()
        if v is not None
    }


def m(mid="a", age=40, income=None, **kw):
    incomes = kw.pop("incomes", {})
    if income is not None:
        incomes = {**incomes, "other": D(str(income))}
    return Member(mid, dt.date(2026 - age, 1, 1), incomes=incomes, **kw)


def adults(n, income="0"):
    """n working-age adults; the household income sits with the first one (category "other")."""
    return tuple(m(f"m{i}", income=income if i == 0 else None) for i in range(n))


def hh(members, month="2026-06", **kw):
    return Household("141102", month, tuple(members), **kw)


# ------------------------------------------------------------------ household unit (R-CA-01 §1)
def test_r_ca_01_excluded_members_are_not_counted_and_household_is_admitted_whole():
    members = (
        *adults(2, "400.00"),
        m("monk", exclusion="religious_3y"),
        m("inmate", exclusion="prison"),
        m("gone", exclusion="missing"),
        m("rehab", exclusion="drug_rehabilitation", incomes={"wages": D("5000")}),
    )
    r = dibao.assess(hh(members), params())
    assert r.figures["household_size"] == 2 and r.figures["paid_members"] == 2
    assert r.amount == D("1200.00")  # 800 × 2 − 400; the excluded member's wages do not count
    step = r.trace.to_list()[0]
    assert step["rule_id"] == "DIBAO-HH-01" and "整户纳入" in step["说明"]


def test_r_ca_01_no_counted_member_is_not_eligible():
    r = dibao.assess(hh([m("x", exclusion="deceased")]), params())
    assert (r.eligible, r.amount, r.reason_codes) == (False, D("0.00"), ("NO_COUNTED_MEMBERS",))


@pytest.mark.parametrize(
    "members",
    [
        (),
        (m(incomes={"wages": D("-1")}),),
        (m(incomes={"lottery": D("1")}),),
        (m("a"), m("a")),
    ],
)
def test_r_ca_02_facts_the_rules_cannot_use_are_invalid(members):
    with pytest.raises(InvalidHousehold):
        dibao.assess(hh(members), params())


def test_r_ca_01_missing_required_parameters_are_named():
    p = params()
    del p["dibao.standard"], p["dibao.employment_cost_rate"]
    with pytest.raises(MissingParameters) as exc:
        dibao.assess(hh(adults(1)), p)
    assert exc.value.keys == ["dibao.standard", "dibao.employment_cost_rate"]


# ------------------------------------------------------------------ gap method (R-CA-02)
def test_r_ca_02_gap_method_amount_is_standard_times_members_minus_income():
    r = dibao.assess(hh(adults(3, "1200.00")), params())
    assert r.eligible is True and r.amount == D("1200.00")  # 800 × 3 − 1200
    assert r.figures["per_capita_income"] == D("400.00") and r.figures["standard"] == D("800.00")
    assert r.reason_codes == ("INCOME_BELOW_STANDARD",)
    assert r.rule_set_version == dibao.RULE_SET_VERSION == "dibao/2026.2"
    assert r.approval_level == "county" and r.programme == "dibao"


def test_r_ca_02_per_capita_income_equal_to_the_standard_is_not_eligible():
    r = dibao.assess(hh(adults(2, "1600.00")), params())
    assert r.eligible is False and r.amount == D("0.00")
    assert "INCOME_NOT_BELOW_STANDARD" in r.reason_codes


def test_r_ca_02_one_cent_below_the_line_is_eligible_for_one_cent():
    r = dibao.assess(hh(adults(2, "1599.99")), params())
    assert r.eligible is True and r.amount == D("0.01")


def test_r_ca_02_comparison_is_exact_not_on_the_rounded_per_capita():
    # 2399.99 / 3 = 799.996…, shown as 800.00, yet strictly below 800: eligible for 0.01.
    r = dibao.assess(hh(adults(3, "2399.99")), params())
    assert r.figures["per_capita_income"] == D("800.00")
    assert r.eligible is True and r.amount == D("0.01")


def test_r_ca_02_household_amount_is_rounded_half_up_once():
    assert dibao.assess(hh(adults(1, "100.005")), params()).amount == D("700.00")  # 699.995
    # 699.985 → 699.99 HALF_UP (HALF_EVEN would give 699.98)
    assert dibao.assess(hh(adults(1, "100.015")), params()).amount == D("699.99")
    # add-on 0.10 × 800.05 = 80.005 and base 0.005: rounded once on the sum (80.01), not per part
    r = dibao.assess(hh([m(age=12, income="800.045")]), params(ADDONS, dibao__standard="800.05"))
    assert r.amount == D("80.01")


def test_r_ca_02_optional_per_capita_floor():
    r = dibao.assess(hh(adults(2, "1560.00")), params(dibao__min_per_capita="50.00"))
    assert r.amount == D("100.00")  # gap 40 < floor 50 × 2
    r = dibao.assess(hh(adults(2, "1000.00")), params(dibao__min_per_capita="50.00"))
    assert r.amount == D("600.00")  # gap above the floor: unchanged
    assert dibao.assess(hh(adults(2, "1600.00")), params(dibao__min_per_capita="50.00")).amount == 0


# ------------------------------------------------------------------ tier method (R-CA-02)
@pytest.mark.parametrize(
    ("income", "tier", "amount"),
    [("0", "A", "990.00"), ("399.98", "A", "990.00"), ("400.00", "B", "850.00"),
     ("999.98", "B", "850.00"), ("1000.00", "C", "710.00"), ("1599.99", "C", "710.00")],
)  # fmt: skip
def test_r_ca_02_tier_method_pays_the_tier_amount_per_person(income, tier, amount):
    r = dibao.assess(hh(adults(2, income)), params(TIERS))
    assert r.eligible is True and r.amount == D(amount)
    step = next(s for s in r.trace.to_list() if s["rule_id"] == "DIBAO-AMT-TIER")
    assert step["result"]["tier"] == tier


def test_r_ca_02_tier_method_keeps_the_strict_line():
    r = dibao.assess(hh(adults(2, "1600.00")), params(TIERS))
    assert r.eligible is False and r.amount == 0


def test_r_ca_02_income_above_every_bounded_tier_gets_no_tier():
    bounded = {**TIERS, "dibao.tiers": TIERS["dibao.tiers"][:2]}
    r = dibao.assess(hh(adults(1, "600.00")), params(bounded))
    assert r.eligible is False and "NO_TIER_APPLIES" in r.reason_codes


def test_r_ca_02_tier_method_without_a_table_names_the_missing_key():
    with pytest.raises(MissingParameters) as exc:
        dibao.assess(hh(adults(1)), params(dibao__method={"method": "tiers"}))
    assert exc.value.keys == ["dibao.tiers"]


# ------------------------------------------------------------------ add-ons (R-CA-03)
def test_r_ca_03_add_on_takes_the_highest_category_only():
    sick_old_disabled = m(
        "g", age=75, serious_illness=True, disability_grade=1, disability_type="physical"
    )
    r = dibao.assess(hh([sick_old_disabled]), params(ADDONS))
    assert r.amount == D("1040.00")  # 800 + 30 % × 800, not 30 + 20 + 10 %
    assert r.breakdown == {"base": D("800.00"), "addons": D("240.00")}


@pytest.mark.parametrize(
    ("member", "addon"),
    [
        (m(age=69), "0.00"),
        (m(age=70), "80.00"),
        (m(age=17), "80.00"),
        (m(age=18), "0.00"),
        (m(disability_grade=3, disability_type="intellectual"), "160.00"),
        (m(disability_grade=3, disability_type="physical"), "0.00"),
        (m(disability_grade=2, disability_type="physical"), "160.00"),
        (m(serious_illness=True), "240.00"),
    ],
)
def test_r_ca_03_add_on_categories(member, addon):
    r = dibao.assess(hh([member]), params(ADDONS))
    assert r.breakdown["addons"] == D(addon)


def test_r_ca_03_add_on_table_needs_its_elderly_age():
    p = params(ADDONS)
    del p["dibao.addon_elderly_age"]
    with pytest.raises(MissingParameters):
        dibao.assess(hh([m()]), p)


# ------------------------------------------------------------------ dates and trace (R-CA-01/12)
def test_r_ca_01_mid_year_standard_change_changes_july_not_june():
    june = params(valid_to=dt.date(2026, 6, 30))
    july = params(dibao__standard="850.00", valid_from=dt.date(2026, 7, 1))
    household = adults(3, "1200.00")
    a = dibao.assess(hh(household, "2026-06"), june)
    b = dibao.assess(hh(household, "2026-07"), july)
    assert (a.amount, b.amount) == (D("1200.00"), D("1350.00"))
    std = lambda r: next(p for p in r.parameters if p.key == "dibao.standard")  # noqa: E731
    assert (std(a).valid_from, std(b).valid_from) == (dt.date(2025, 1, 1), dt.date(2026, 7, 1))


def test_r_ca_12_trace_names_rule_parameter_and_figure():
    r = dibao.assess(hh(adults(3, "1200.00")), params(ADDONS))
    steps = r.trace.to_list()
    ids = [s["rule_id"] for s in steps]
    assert ids[:3] == ["DIBAO-HH-01", "DIBAO-INC-01", "DIBAO-INC-02"]
    assert {"DIBAO-AST-01", "DIBAO-AMT-GAP", "DIBAO-AMT-ADDON", "DIBAO-ELIG-01"} <= set(ids)
    total = next(s for s in steps if s["rule_id"] == "DIBAO-AMT-01")
    assert total["result"] == {"amount": "1200.00"}
    assert total["parameters"][0] == {
        "key": "dibao.standard",
        "value": "800.00",
        "region_code": "141100",
        "valid_from": "2025-01-01",
        "parameter_id": "id-dibao.standard",
    }
    assert "800.00" in total["说明"] and "1,200.00" in total["说明"]
    assert all(s["legal_ref"] and s["说明"] for s in steps)
    assert {p.key for p in r.parameters} == set(BASE) | set(ADDONS)


# ------------------------------------------------------------------ properties (R-CA-02/03)
money = st.decimals(min_value=0, max_value=20_000, places=2, allow_nan=False, allow_infinity=False)
standards = st.decimals(
    min_value=D("0.01"), max_value=5_000, places=2, allow_nan=False, allow_infinity=False
)
member_st = st.builds(
    lambda age, ill, grade, kind: m(
        "x", age=age, serious_illness=ill, disability_grade=grade, disability_type=kind
    ),
    st.integers(0, 100),
    st.booleans(),
    st.none() | st.integers(1, 4),
    st.sampled_from(["physical", "intellectual", "mental"]),
)
methods = st.sampled_from(
    [{}, TIERS, ADDONS, {**TIERS, **ADDONS}, {"dibao.min_per_capita": "30.00"}]
)


def _household(others, income):
    rest = (dataclasses.replace(o, member_id=f"o{i}") for i, o in enumerate(others))
    return hh([m("first", income=income), *rest])


@settings(max_examples=200)
@given(others=st.lists(member_st, max_size=6), income=money, standard=standards, extra=methods)
def test_r_ca_02_amount_is_never_negative_and_in_fen(others, income, standard, extra):
    r = dibao.assess(_household(others, income), params(extra, dibao__standard=str(standard)))
    assert r.amount >= 0 and r.amount == r.amount.quantize(D("0.01"))
    assert r.eligible or r.amount == 0


@settings(max_examples=200)
@given(others=st.lists(member_st, max_size=6), income=money, more=money, extra=methods)
def test_r_ca_02_amount_never_increases_when_income_increases(others, income, more, extra):
    p = params(extra)
    low = dibao.assess(_household(others, income), p)
    high = dibao.assess(_household(others, income + more), p)
    assert high.amount <= low.amount


@given(n=st.integers(min_value=1, max_value=12), income=money, standard=standards)
def test_r_ca_02_gap_identity_and_strict_boundary(n, income, standard):
    r = dibao.assess(hh(adults(n, str(income))), params(dibao__standard=str(standard)))
    assert r.eligible == (income / n < standard)
    if r.eligible:
        assert r.amount == standard * n - income  # inputs in fen: no rounding needed
        assert abs((standard - income / n) * n - r.amount) < D("1e-20")


@given(n=st.integers(min_value=1, max_value=8), income=money)
def test_r_ca_02_tier_results_stay_within_the_tier_bounds(n, income):
    r = dibao.assess(hh(adults(n, str(income))), params(TIERS))
    amounts = [D(t["amount_per_person"]) for t in TIERS["dibao.tiers"]]
    if r.eligible:
        assert min(amounts) * n <= r.amount <= max(amounts) * n
        assert r.amount / n in amounts
    else:
        assert income / n >= D("800.00") and r.amount == 0


@given(others=st.lists(member_st, max_size=6), income=money)
def test_r_ca_03_add_ons_stay_within_their_rates(others, income):
    household = _household(others, income)
    r = dibao.assess(household, params(ADDONS))
    if not r.eligible:
        return
    top = max(D(v) for v in ADDONS["dibao.addon_rates"].values())
    n = len(household.members)
    assert 0 <= r.breakdown["addons"] <= top * D("800.00") * n
    step = next(s for s in r.trace.to_list() if s["rule_id"] == "DIBAO-AMT-ADDON")
    for row in step["result"]["members"].values():  # one category per person, never stacked
        assert D(row["rate"]) in {D("0"), *map(D, ADDONS["dibao.addon_rates"].values())}
