"""Temporary assistance: kinds, tier multiple, cap, approval level, one grant per event (R-CA-09).

Parameters are the demonstration seeds of migration 0004 (≤ 10 ×, emergency ≥ 2 ×, township
≤ 3 × the monthly dibao standard) with a dibao standard of 800.00 (850.00 from 2026-07).
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.benefits.tests.support.benefits_testing import in_force, load_seed
from socialaid.benefits.domain import engine, temporary
from socialaid.benefits.domain.household import Household, Member, TemporaryRequest
from socialaid.benefits.domain.parameters import ParameterUsed
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters, round_half_up

D = Decimal


SEED = load_seed("2026_11_22_0004_seed_programme_parameters.py")


def used(key, value):
    return ParameterUsed(key, value, "141100", dt.date(2025, 1, 1), None, f"id-{key}")


def params(day=dt.date(2025, 6, 1), standard="800.00", drop=(), **over):
    out = in_force(SEED, "temporary.", day)
    out["dibao.standard"] = used("dibao.standard", D(standard))
    out["income.excluded_categories"] = used("income.excluded_categories", ["disability_subsidy"])
    for k, v in over.items():
        out[k.replace("__", ".")] = used(k.replace("__", "."), v)
    for k in drop:
        out.pop(k)
    return out


def hh(kind="emergency", incomes=(), month="2025-06", **kw):
    kw.setdefault("event_id", "fire-2025-001")
    req = TemporaryRequest(kind=kind, **kw)
    members = tuple(
        Member(f"m{i}", dt.date(1980, 1, 1), incomes=inc) for i, inc in enumerate(incomes)
    ) or (Member("m0", dt.date(1980, 1, 1)),)
    return Household("141100", month, members, temporary=req)


def test_r_ca_09_emergency_defaults_to_the_minimum_multiple_and_aid_first():
    r = temporary.assess(hh(), params())
    assert r.eligible and r.amount == D("1600.00")  # 2 × 800
    assert r.flags == frozenset({"AID_FIRST"}) and r.approval_level == "township"
    assert r.breakdown == {"temporary_assistance": D("1600.00")}
    assert r.reason_codes == ("EMERGENCY",)


def test_r_ca_09_emergency_below_the_minimum_is_raised():
    r = temporary.assess(hh(tier_multiple=D("1")), params())
    assert r.amount == D("1600.00") and "RAISED_TO_EMERGENCY_MINIMUM" in r.reason_codes


def test_r_ca_09_cap_at_the_maximum_multiple():
    r = temporary.assess(hh(tier_multiple=D("12")), params())
    assert r.amount == D("8000.00") and "CAPPED_AT_MAX_MULTIPLE" in r.reason_codes
    assert r.approval_level == "county"


def test_r_ca_09_approval_level_by_amount():
    assert temporary.assess(hh(tier_multiple=D("3")), params()).approval_level == "township"
    r = temporary.assess(hh(tier_multiple=D("3.01")), params())
    assert r.amount == D("2408.00") and r.approval_level == "county"


def test_r_ca_09_one_grant_per_event_per_year():
    r = temporary.assess(hh(grants_this_year_for_event=1), params())
    assert not r.eligible and r.amount == 0 and "ONE_GRANT_PER_EVENT" in r.reason_codes
    assert r.approval_level is None
    assert temporary.assess(hh(event_id="flood-2", grants_this_year_for_event=0), params()).eligible


def test_r_ca_09_expenditure_needs_income_below_last_years_disposable_income():
    # 2025 line: 23000 / 12 per person per month; 2 people × 1916.666… = 3833.33…
    ok = hh("expenditure", incomes=({"wages": D("3833.33")}, {}), tier_multiple=D("2"))
    r = temporary.assess(ok, params())
    assert r.eligible and r.amount == D("1600.00") and not r.flags
    over = hh("expenditure", incomes=({"wages": D("3833.34")}, {}), tier_multiple=D("2"))
    r = temporary.assess(over, params())
    assert not r.eligible and r.reason_codes == ("EXPENDITURE", "INCOME_NOT_BELOW_LINE")


def test_r_ca_09_expenditure_equal_to_the_line_is_not_below():
    p = params(dt.date(2026, 3, 1))  # 24000 / 12 = 2000.00
    equal = hh(
        "expenditure", incomes=({"wages": D("2000.00")},), tier_multiple=D("2"), month="2026-03"
    )
    assert not temporary.assess(equal, p).eligible
    below = hh(
        "expenditure", incomes=({"wages": D("1999.99")},), tier_multiple=D("2"), month="2026-03"
    )
    assert temporary.assess(below, p).eligible


def test_r_ca_09_excluded_incomes_do_not_count():
    incomes = (
        {"social_assistance": D("5000"), "disability_subsidy": D("5000"), "wages": D("100")},
    )
    assert temporary.assess(hh("expenditure", incomes, tier_multiple=D("1")), params()).eligible


def test_r_ca_09_expenditure_from_the_necessary_expense():
    r = temporary.assess(hh("expenditure", necessary_expense=D("3000.00")), params())
    assert r.amount == D("3000.00") and r.approval_level == "county"  # 3.75 × 800
    r = temporary.assess(hh("expenditure", necessary_expense=D("20000.00")), params())
    assert r.amount == D("8000.00") and "CAPPED_AT_MAX_MULTIPLE" in r.reason_codes


def test_r_ca_09_uninsured_unemployed_one_off_grant():
    r = temporary.assess(hh(uninsured_unemployed=True), params())
    assert r.breakdown == {"temporary_assistance": D("1600.00"), "unemployed_grant": D("1000.00")}
    assert r.amount == D("2600.00") and "UNINSURED_UNEMPLOYED_GRANT" in r.reason_codes
    assert r.approval_level == "county"  # 2600 > 3 × 800
    with pytest.raises(MissingParameters):
        temporary.assess(
            hh(uninsured_unemployed=True), params(drop=("temporary.unemployed_grant",))
        )


def test_r_ca_09_mid_year_standard_change():
    assert temporary.assess(hh(month="2026-06"), params(dt.date(2026, 6, 1))).amount == D("1600.00")
    r = temporary.assess(hh(month="2026-07"), params(dt.date(2026, 7, 1), standard="850.00"))
    assert r.amount == D("1700.00")


def test_r_ca_09_rounded_half_up_once():
    r = temporary.assess(hh(tier_multiple=D("2.5")), params(standard="800.05"))
    assert r.amount == D("2000.13")  # 2000.125 (HALF_EVEN would give 2000.12)


@pytest.mark.parametrize(
    "kw",
    [
        {"tier_multiple": D("0")},
        {"tier_multiple": D("-2")},
        {"grants_this_year_for_event": -1},
        {"necessary_expense": D("-1")},
    ],
)
def test_r_ca_09_bad_requests_are_refused(kw):
    with pytest.raises(InvalidHousehold):
        temporary.assess(hh(**kw), params())


def test_r_ca_09_expenditure_without_multiple_or_expense_and_no_request_are_refused():
    with pytest.raises(InvalidHousehold):
        temporary.assess(hh("expenditure"), params())
    with pytest.raises(InvalidHousehold):
        temporary.assess(
            Household("141100", "2025-06", (Member("m", dt.date(1980, 1, 1)),)), params()
        )
    with pytest.raises(InvalidHousehold):
        temporary.assess(hh("expenditure", ({"lottery": D("1")},), tier_multiple=D("1")), params())


def test_r_ca_12_trace_steps():
    r = temporary.assess(hh("expenditure", ({"wages": D("100")},), tier_multiple=D("4")), params())
    steps = r.trace.to_list()
    assert [s["rule_id"] for s in steps] == [
        "TEMP-EVENT-01",
        "TEMP-KIND-01",
        "TEMP-INC-01",
        "TEMP-AMT-01",
        "TEMP-APPR-01",
    ]
    assert all(s["legal_ref"] and s["说明"] for s in steps)
    assert "3,200.00" in steps[3]["说明"] and "县级" in steps[4]["说明"]


def test_r_ca_09_seeded_values_parse():
    keys = {k for k, *_ in SEED if k.startswith("temporary.")}
    assert keys == {s.key for s in temporary.PARAMETERS}
    assert set(temporary.REQUIRED_KEYS + temporary.OPTIONAL_KEYS) <= set(engine.CATALOGUE)
    assert engine.assess("temporary", hh(), params()).amount == D("1600.00")


@given(
    kind=st.sampled_from(["emergency", "expenditure"]),
    multiple=st.decimals(min_value=D("0.01"), max_value=D("50"), places=2),
    standard=st.decimals(min_value=D("100"), max_value=D("3000"), places=2),
    unemployed=st.booleans(),
)
def test_r_ca_09_property_amount_within_the_multiples_and_never_negative(
    kind, multiple, standard, unemployed
):
    r = temporary.assess(
        hh(kind, tier_multiple=multiple, uninsured_unemployed=unemployed),
        params(standard=str(standard)),
    )
    low = round_half_up(2 * standard) if kind == "emergency" else D(0)
    assert r.amount >= 0 and r.eligible
    assert low <= r.breakdown["temporary_assistance"] <= round_half_up(10 * standard)
    assert r.amount == sum(r.breakdown.values())
    assert r.approval_level == ("township" if r.amount <= 3 * standard else "county")
