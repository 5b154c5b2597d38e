"""Education, housing, heating and employment aid as parameterised amounts (R-CA-11).

Parameters are the demonstration tables of migration 0004; eligibility needs a recognised
dibao, tekun or edge status as a fact of the request.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.benefits.tests.support.benefits_testing import load_seed
from socialaid.benefits.domain import engine, grants
from socialaid.benefits.domain.household import GrantRequest, Household, Member
from socialaid.benefits.domain.parameters import ParameterUsed, ParameterValueError
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters

D = Decimal
TABLES = {f"{p}.amounts" for p in grants.PROGRAMMES}


SEED = load_seed("2026_11_22_0004_seed_programme_parameters.py")


def params(drop=(), **over):
    out = {
        k: ParameterUsed(k, engine.CATALOGUE[k].parse(v), r, f, t, f"id-{k}")
        for k, r, v, f, t, _s in SEED
        if k in TABLES
    }
    for k, v in over.items():
        key = k.replace("__", ".")
        out[key] = ParameterUsed(key, v, "141100", dt.date(2025, 1, 1), None, f"id-{key}")
    for k in drop:
        out.pop(k)
    return out


def hh(programme, category, status=("dibao",), members=None):
    members = members or (Member("m", dt.date(1980, 1, 1)),)
    req = GrantRequest(programme=programme, category=category, status=tuple(status))
    return Household("141100", "2025-09", members, grant=req)


def student(stage):
    return Member(
        "s", dt.date(2012, 1, 1), relationship="child", in_school=True, school_stage=stage
    )


@pytest.mark.parametrize(
    ("stage", "amount"),
    [("primary", "1000.00"), ("junior_secondary", "1250.00"), ("undergraduate", "3700.00")],
)
def test_r_ca_11_education_aid_by_school_stage(stage, amount):
    r = grants.assess(hh("education", stage, members=(student(stage),)), params())
    assert r.programme == "education" and r.eligible and r.amount == D(amount)
    assert r.figures["per"] == "year" and r.breakdown == {stage: D(amount)}
    assert r.reason_codes == (f"EDUCATION_{stage.upper()}",)


def test_r_ca_11_education_needs_a_student_at_that_stage():
    r = grants.assess(hh("education", "primary", members=(student("senior_secondary"),)), params())
    assert not r.eligible and r.reason_codes == ("NO_STUDENT_AT_STAGE",)


def test_r_ca_11_stage_outside_the_table_is_not_covered():
    r = grants.assess(hh("education", "postgraduate", members=(student("postgraduate"),)), params())
    assert not r.eligible and r.reason_codes == ("CATEGORY_NOT_COVERED",)


def test_r_ca_11_housing_rent_subsidy_per_month_and_renovation_once():
    r = grants.assess(hh("housing", "rent_subsidy", ("edge",)), params())
    assert r.amount == D("300.00") and r.figures["per"] == "month"
    r = grants.assess(hh("housing", "renovation", ("tekun",)), params())
    assert r.amount == D("20000.00") and r.figures["per"] == "once"


def test_r_ca_11_heating_per_household_per_season_with_entry_statuses():
    r = grants.assess(hh("heating", "central", ("edge",)), params())
    assert r.amount == D("1200.00") and r.figures["per"] == "season"
    r = grants.assess(hh("heating", "self_heating", ("edge",)), params())  # dibao/tekun only
    assert not r.eligible and r.reason_codes == ("STATUS_NOT_QUALIFYING",)
    assert grants.assess(hh("heating", "self_heating", ("tekun",)), params()).amount == D("800.00")


def test_r_ca_11_employment_one_off_job_seeking_subsidy():
    r = grants.assess(hh("employment", "job_seeking", ("dibao", "edge")), params())
    assert r.programme == "employment" and r.amount == D("1000.00") and r.figures["per"] == "once"


@pytest.mark.parametrize("status", [(), ("rigid_expenditure",)])
def test_r_ca_11_needs_dibao_tekun_or_edge_status(status):
    r = grants.assess(hh("employment", "job_seeking", status), params())
    assert not r.eligible and r.amount == 0 and r.reason_codes == ("STATUS_NOT_QUALIFYING",)


def test_r_ca_11_only_the_requested_programmes_table_is_needed():
    drop = ("education.amounts", "heating.amounts", "employment.amounts")
    assert grants.assess(hh("housing", "renovation"), params(drop=drop)).eligible
    with pytest.raises(MissingParameters) as e:
        grants.assess(hh("education", "primary"), params(drop=drop))
    assert e.value.keys == ["education.amounts"]


def test_r_ca_11_bad_requests_are_refused():
    with pytest.raises(InvalidHousehold):
        grants.assess(hh("housing", "renovation", ("vip",)), params())
    with pytest.raises(InvalidHousehold):
        grants.assess(hh("lottery", "x"), params())
    with pytest.raises(InvalidHousehold):
        grants.assess(Household("141100", "2025-09", (Member("m", dt.date(1980, 1, 1)),)), params())


def test_r_ca_11_engine_routes_the_four_programmes_here():
    for programme, category in (
        ("education", "primary"),
        ("housing", "rent_subsidy"),
        ("heating", "central"),
        ("employment", "job_seeking"),
    ):
        assert engine.rules_for(programme) is grants
        r = engine.assess(
            programme, hh(programme, category, members=(student("primary"),)), params()
        )
        assert r.programme == programme and r.eligible


def test_r_ca_12_trace_steps():
    r = grants.assess(hh("education", "primary", members=(student("primary"),)), params())
    steps = r.trace.to_list()
    assert [s["rule_id"] for s in steps] == [
        "GRANT-CAT-01",
        "GRANT-STATUS-01",
        "GRANT-EDU-01",
        "GRANT-AMT-01",
    ]
    assert all(s["legal_ref"] and s["说明"] for s in steps)
    assert steps[-1]["parameters"][0]["key"] == "education.amounts"
    assert "1,000.00" in steps[-1]["说明"]


def test_r_ca_11_seeded_tables_parse_and_bad_tables_are_refused():
    assert {k for k, *_ in SEED if k in TABLES} == {s.key for s in grants.PARAMETERS} == TABLES
    for key, bad in (
        ("education.amounts", {"kindergarten": {"amount": "1", "per": "year"}}),
        ("housing.amounts", {"rent_subsidy": {"amount": 300.5, "per": "month"}}),
        ("housing.amounts", {"rent_subsidy": {"amount": "300.001", "per": "month"}}),
        ("housing.amounts", {"rent_subsidy": {"amount": "-1", "per": "month"}}),
        ("heating.amounts", {"central": {"amount": "1", "per": "week"}}),
        ("heating.amounts", {"central": {"amount": "1", "per": "season", "statuses": ["vip"]}}),
        ("employment.amounts", {"job_seeking": {"amount": "1"}}),
        ("employment.amounts", {}),
    ):
        with pytest.raises(ParameterValueError):
            engine.CATALOGUE[key].parse(bad)


@given(
    amount=st.decimals(min_value=D("0"), max_value=D("100000"), places=2),
    status=st.lists(st.sampled_from(grants.STATUSES), max_size=4, unique=True),
)
def test_r_ca_11_property_amounts_never_negative(amount, status):
    table = {"job_seeking": {"amount": str(amount), "per": "once"}}
    r = grants.assess(hh("employment", "job_seeking", status), params(employment__amounts=table))
    assert r.amount >= 0
    qualifies = bool({"dibao", "tekun", "edge"} & set(status))
    assert r.amount == (amount if qualifies else 0)
    assert r.eligible is (qualifies and amount > 0)
