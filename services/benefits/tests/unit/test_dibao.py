"""Dibao gap-method assessment, pure function (R-CA-01, R-CA-02, R-CA-12; rules.md §3-§5)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialaid.benefits.domain.dibao import (
    RULE_SET_VERSION,
    DibaoHousehold,
    MissingParameters,
    Vehicle,
    assess_dibao,
)
from socialaid.benefits.domain.parameters import ParameterUsed

D = Decimal


def params(standard="800.00", months="24", vehicle="30000.00", props="1", edge: str | None = "1.5"):
    def p(key, v, region="141100"):
        return ParameterUsed(
            key=key,
            value=D(v),
            region_code=region,
            valid_from=dt.date(2025, 1, 1),
            valid_to=None,
            parameter_id=f"id-{key}",
        )

    out = {
        "dibao.standard": p("dibao.standard", standard),
        "dibao.fin_assets_months": p("dibao.fin_assets_months", months),
        "dibao.vehicle_exempt_value": p("dibao.vehicle_exempt_value", vehicle),
        "dibao.max_properties": p("dibao.max_properties", props),
    }
    if edge is not None:
        out["edge.multiplier"] = p("edge.multiplier", edge, "000000")
    return out


def hh(members=3, income="1200.00", **kw):
    return DibaoHousehold(living_members=members, monthly_income=D(income), **kw)


def test_r_ca_02_gap_method_amount_is_standard_times_members_minus_income():
    r = assess_dibao(hh(3, "1200.00"), params())
    assert r.eligible is True
    assert r.amount == D("1200.00")  # 800 × 3 − 1200
    assert r.per_capita_income == D("400.00")
    assert r.standard == D("800.00") and r.household_size == 3
    assert r.reason_codes == ("INCOME_BELOW_STANDARD",)
    assert r.rule_set_version == RULE_SET_VERSION


def test_r_ca_02_per_capita_income_equal_to_standard_is_not_eligible():
    r = assess_dibao(hh(2, "1600.00"), params())
    assert r.eligible is False and r.amount == D("0.00")
    assert "INCOME_NOT_BELOW_STANDARD" in r.reason_codes


def test_r_ca_02_one_cent_below_the_line_is_eligible_for_one_cent():
    r = assess_dibao(hh(2, "1599.99"), params())
    assert r.eligible is True and r.amount == D("0.01")


def test_r_ca_02_comparison_is_exact_not_on_rounded_per_capita():
    # 2399.99 / 3 = 799.996..., shown as 800.00, yet strictly below 800: eligible for 0.01.
    r = assess_dibao(hh(3, "2399.99"), params())
    assert r.per_capita_income == D("800.00")
    assert r.eligible is True and r.amount == D("0.01")


def test_r_ca_02_amount_is_rounded_half_up_to_the_cent():
    r = assess_dibao(hh(1, "100.005"), params())
    assert r.amount == D("700.00")  # 800 − 100.005 = 699.995 → 700.00
    r = assess_dibao(hh(1, "100.015"), params())
    assert r.amount == D("699.99")  # 699.985 → 699.99 HALF_UP (HALF_EVEN would give 699.98)


def test_zero_income_gets_the_full_standard_for_every_member():
    assert assess_dibao(hh(4, "0"), params()).amount == D("3200.00")


def test_no_living_members_is_not_eligible():
    r = assess_dibao(hh(0, "0", excluded_members=2), params())
    assert r.eligible is False and r.amount == D("0.00")
    assert r.reason_codes == ("NO_LIVING_MEMBERS",) and r.per_capita_income is None


def test_financial_assets_limit_is_inclusive_per_capita():
    limit = D("800.00") * 24 * 2  # 38,400 for two people
    assert assess_dibao(hh(2, "0", financial_assets=limit), params()).eligible is True
    r = assess_dibao(hh(2, "0", financial_assets=limit + D("0.01")), params())
    assert r.eligible is False and "FIN_ASSETS_OVER_LIMIT" in r.reason_codes
    assert "INCOME_BELOW_STANDARD" in r.reason_codes and r.amount == 0


def test_a_car_counts_unless_certified_within_the_exempt_value():
    assert "VEHICLE_OWNED" in assess_dibao(hh(vehicles=(Vehicle(),)), params()).reason_codes
    cheap = Vehicle(kind="car", value=D("30000.00"), valuation_certified=True)
    assert assess_dibao(hh(vehicles=(cheap,)), params()).eligible is True
    uncertified = Vehicle(kind="car", value=D("20000.00"), valuation_certified=False)
    assert "VEHICLE_OWNED" in assess_dibao(hh(vehicles=(uncertified,)), params()).reason_codes
    dear = Vehicle(kind="car", value=D("30000.01"), valuation_certified=True)
    assert "VEHICLE_OWNED" in assess_dibao(hh(vehicles=(dear,)), params()).reason_codes
    exempt = (
        Vehicle(kind="motorcycle"),
        Vehicle(kind="ebike"),
        Vehicle(kind="disability_mobility"),
    )
    assert assess_dibao(hh(vehicles=exempt), params()).eligible is True


def test_properties_limit():
    assert assess_dibao(hh(residential_properties=1), params()).eligible is True
    r = assess_dibao(hh(residential_properties=2), params())
    assert r.eligible is False and "TOO_MANY_PROPERTIES" in r.reason_codes
    r = assess_dibao(hh(non_residential_properties=1), params())
    assert r.eligible is False and "NON_RESIDENTIAL_PROPERTY" in r.reason_codes


def test_every_failing_limit_is_reported():
    r = assess_dibao(
        hh(1, "900", financial_assets=D("999999"), vehicles=(Vehicle(),), residential_properties=3),
        params(),
    )
    assert set(r.reason_codes) >= {
        "INCOME_NOT_BELOW_STANDARD",
        "FIN_ASSETS_OVER_LIMIT",
        "VEHICLE_OWNED",
        "TOO_MANY_PROPERTIES",
    }


def test_edge_household_candidate_is_flagged_only_above_the_line_and_below_the_multiple():
    assert "EDGE_HOUSEHOLD_CANDIDATE" in assess_dibao(hh(1, "1000"), params()).reason_codes
    assert "EDGE_HOUSEHOLD_CANDIDATE" not in assess_dibao(hh(1, "1200"), params()).reason_codes
    assert "EDGE_HOUSEHOLD_CANDIDATE" not in assess_dibao(hh(1, "100"), params()).reason_codes
    assert (
        "EDGE_HOUSEHOLD_CANDIDATE"
        not in assess_dibao(hh(1, "1000"), params(edge=None)).reason_codes
    )


def test_r_ca_12_trace_names_rule_parameter_and_figure():
    r = assess_dibao(hh(3, "1200.00"), params())
    steps = r.trace.to_list()
    ids = [s["rule_id"] for s in steps]
    assert ids[:2] == ["DIBAO-HH-01", "DIBAO-INC-01"] and "DIBAO-AMT-01" in ids
    amount_step = next(s for s in steps if s["rule_id"] == "DIBAO-AMT-01")
    assert amount_step["result"] == {"amount": "1200.00"}
    assert amount_step["parameters"][0] == {
        "key": "dibao.standard",
        "value": "800.00",
        "region_code": "141100",
        "valid_from": "2025-01-01",
        "parameter_id": "id-dibao.standard",
    }
    assert "800.00" in amount_step["说明"] and "1,200.00" in amount_step["说明"]
    assert all(s["legal_ref"] and s["说明"] for s in steps)


def test_missing_parameters_are_named():
    p = params()
    del p["dibao.standard"]
    with pytest.raises(MissingParameters) as exc:
        assess_dibao(hh(), p)
    assert exc.value.keys == ["dibao.standard"]


def test_negative_inputs_are_refused_by_the_domain():
    with pytest.raises(ValueError):
        hh(2, "-1")
    with pytest.raises(ValueError):
        hh(-1, "0")


money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
standards = st.decimals(
    min_value=D("0.01"), max_value=5_000, places=2, allow_nan=False, allow_infinity=False
)
members = st.integers(min_value=0, max_value=12)


@given(n=members, income=money, standard=standards, assets=money)
def test_r_ca_02_amount_is_never_negative(n, income, standard, assets):
    r = assess_dibao(hh(n, str(income), financial_assets=assets), params(standard=str(standard)))
    assert r.amount >= 0
    assert r.amount == r.amount.quantize(D("0.01"))
    assert (r.amount > 0) == r.eligible


@given(n=st.integers(min_value=1, max_value=12), income=money, more=money, standard=standards)
def test_r_ca_02_amount_never_increases_when_income_increases(n, income, more, standard):
    p = params(standard=str(standard))
    assert (
        assess_dibao(hh(n, str(income + more)), p).amount
        <= assess_dibao(hh(n, str(income)), p).amount
    )


@given(n=st.integers(min_value=1, max_value=12), income=money, standard=standards)
def test_r_ca_02_gap_identity_and_strict_boundary(n, income, standard):
    r = assess_dibao(hh(n, str(income)), params(standard=str(standard)))
    assert r.eligible == (income / n < standard)
    if r.eligible:
        assert r.amount == standard * n - income  # inputs in cents: no rounding needed
        assert abs((standard - income / n) * n - r.amount) < D(
            "1e-20"
        )  # (standard − per-capita) × n
