"""Medical assistance: category, deductible, rate, annual cap net of paid (R-CA-08, rules.md §8).

Parameters are the demonstration seeds of migration 0004 (last year's per-capita disposable
income 23,000 in 2025 and 24,000 from 2026; tekun 90 %, dibao 70 %, edge 60 % with 10 %,
illness-impoverished 50 % with 25 %).
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.benefits.tests.support.benefits_testing import in_force, load_seed
from socialaid.benefits.domain import engine, medical
from socialaid.benefits.domain.household import Household, MedicalClaim, Member
from socialaid.benefits.domain.parameters import ParameterUsed, ParameterValueError
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters, round_half_up

D = Decimal


SEED = load_seed("2026_11_22_0004_seed_programme_parameters.py")


def params(day=dt.date(2025, 6, 1), drop=(), **over):
    out = in_force(SEED, "medical.", day)
    for k, v in over.items():
        key = k.replace("__", ".")
        out[key] = ParameterUsed(key, v, "141100", dt.date(2025, 1, 1), None, f"id-{key}")
    for k in drop:
        out.pop(k)
    return out


def hh(oop="10000.00", categories=("tekun",), paid="0", month="2025-06", **kw):
    claim = MedicalClaim(
        in_policy_out_of_pocket=D(oop), paid_this_year=D(paid), categories=tuple(categories), **kw
    )
    member = Member("p1", dt.date(1960, 1, 1))
    return Household("141100", month, (member,), medical=claim)


@pytest.mark.parametrize(
    ("category", "amount", "deductible"),
    [
        ("tekun", "9000.00", "0.00"),  # 10000 × 90 %
        ("dibao", "7000.00", "0.00"),  # 10000 × 70 %
        ("edge", "4620.00", "2300.00"),  # (10000 − 10 % × 23000) × 60 %
        ("illness_impoverished", "2125.00", "5750.00"),  # (10000 − 25 % × 23000) × 50 %
    ],
)
def test_r_ca_08_rate_and_deductible_by_category(category, amount, deductible):
    r = medical.assess(hh(categories=(category,)), params())
    assert r.eligible and r.amount == D(amount)
    assert r.breakdown["grant"] == D(amount) and r.breakdown["deductible"] == D(deductible)
    assert r.reason_codes[0] == f"CATEGORY_{category.upper()}"
    assert r.figures["category"] == category


def test_r_ca_08_dibao_rate_is_at_least_70_percent_and_tekun_more():
    table = params()["medical.categories"].value
    assert D(table["dibao"]["rate"]) >= D("0.70") and D(table["tekun"]["rate"]) > D("0.70")


def test_r_ca_08_most_favourable_category_once():
    r = medical.assess(hh(categories=("edge", "dibao")), params())
    assert r.amount == D("7000.00") and r.figures["category"] == "dibao"
    assert [c for c in r.reason_codes if c.startswith("CATEGORY_")] == ["CATEGORY_DIBAO"]
    step = next(s for s in r.trace.steps if s.rule_id == "MED-CAT-01")
    assert step.result["candidate_grants"] == {"dibao": D("7000.00"), "edge": D("4620.00")}


def test_r_ca_08_illness_impoverished_flag_is_a_category():
    r = medical.assess(hh(categories=(), illness_impoverished=True), params())
    assert r.figures["category"] == "illness_impoverished" and r.amount == D("2125.00")


def test_r_ca_08_below_the_deductible_pays_nothing():
    r = medical.assess(hh("2300.00", ("edge",)), params())
    assert not r.eligible and r.amount == D("0.00") and "BELOW_DEDUCTIBLE" in r.reason_codes
    assert medical.assess(hh("2300.01", ("edge",)), params()).amount == D("0.01")  # 0.006 → 0.01


def test_r_ca_08_annual_cap_net_of_paid_this_year():
    r = medical.assess(hh(paid="20000.00"), params())
    assert r.amount == D("3000.00") and "CAPPED_AT_ANNUAL_LIMIT" in r.reason_codes
    assert r.figures["annual_cap"] == D("23000.00") and r.figures["remaining_cap"] == D("3000.00")
    r = medical.assess(hh(paid="23000.00"), params())
    assert not r.eligible and r.amount == 0 and "ANNUAL_CAP_REACHED" in r.reason_codes
    assert medical.assess(hh(paid="30000.00"), params()).amount == 0


def test_r_ca_08_cap_follows_last_years_income_by_date():
    r = medical.assess(hh("50000.00", month="2026-03"), params(dt.date(2026, 3, 1)))
    assert r.amount == D("24000.00")  # 45000 by rate, capped at 2025's 24,000
    r = medical.assess(hh("50000.00", month="2025-12"), params(dt.date(2025, 12, 1)))
    assert r.amount == D("23000.00")


def test_r_ca_08_cap_multiple_is_a_parameter():
    r = medical.assess(hh("50000.00"), params(medical__cap_multiple=D("1.5")))
    assert r.amount == D("34500.00")


def test_r_ca_08_rounded_half_up_once():
    assert medical.assess(hh("0.15", ("dibao",)), params()).amount == D("0.11")  # 0.105


def test_r_ca_08_premium_fully_subsidised_for_key_recipients():
    r = medical.assess(hh(categories=("tekun",)), params())
    assert r.breakdown["premium_subsidy_share"] == D("1.00")
    assert "PREMIUM_FULLY_SUBSIDISED" in r.reason_codes
    r = medical.assess(hh(categories=("edge",)), params())
    assert r.breakdown["premium_subsidy_share"] == 0
    assert "PREMIUM_FULLY_SUBSIDISED" not in r.reason_codes


def test_r_ca_08_no_category_or_not_covered():
    r = medical.assess(hh(categories=()), params())
    assert not r.eligible and r.reason_codes == ("NO_MEDICAL_CATEGORY",)
    table = {"tekun": {"rate": "0.9", "deductible_share": "0", "premium_subsidy": "1"}}
    r = medical.assess(hh(categories=("edge",)), params(medical__categories=table))
    assert not r.eligible and r.reason_codes == ("CATEGORY_NOT_COVERED",)


@pytest.mark.parametrize(
    "household",
    [
        hh("-1"),
        hh(paid="-1"),
        hh(categories=("veteran",)),
        Household("141100", "2025-06", (Member("p1", dt.date(1960, 1, 1)),)),
    ],
)
def test_r_ca_08_bad_claims_are_refused(household):
    with pytest.raises(InvalidHousehold):
        medical.assess(household, params())


def test_r_ca_08_missing_parameters():
    with pytest.raises(MissingParameters) as e:
        medical.assess(hh(), params(drop=("medical.disposable_income_last_year",)))
    assert e.value.keys == ["medical.disposable_income_last_year"]


def test_r_ca_12_trace_steps():
    r = medical.assess(hh(categories=("edge",)), params())
    steps = r.trace.to_list()
    assert [s["rule_id"] for s in steps] == [
        "MED-CAT-01",
        "MED-DED-01",
        "MED-RATE-01",
        "MED-CAP-01",
        "MED-PREM-01",
    ]
    assert all(s["legal_ref"] and s["说明"] for s in steps)
    assert "2,300.00" in steps[1]["说明"] and "60%" in steps[2]["说明"]
    assert {p["key"] for p in steps[3]["parameters"]} == {
        "medical.cap_multiple",
        "medical.disposable_income_last_year",
    }


def test_r_ca_08_seeded_values_parse_and_the_table_is_validated():
    assert {k for k, *_ in SEED if k.startswith("medical.")} == {s.key for s in medical.PARAMETERS}
    spec = engine.CATALOGUE["medical.categories"]
    for bad in (
        {"veteran": {"rate": "0.5", "deductible_share": "0", "premium_subsidy": "0"}},
        {"tekun": {"rate": "1.5", "deductible_share": "0", "premium_subsidy": "0"}},
        {"tekun": {"rate": 0.9, "deductible_share": "0", "premium_subsidy": "0"}},
        {"tekun": {"rate": "0.9"}},
        {},
    ):
        with pytest.raises(ParameterValueError):
            spec.parse(bad)
    assert engine.assess("medical", hh(), params()).amount == D("9000.00")


CATS = st.lists(st.sampled_from(medical.CATEGORIES), max_size=4, unique=True)
MONEY = st.decimals(min_value=D("0"), max_value=D("200000"), places=2)


@given(oop=MONEY, paid=MONEY, cats=CATS)
def test_r_ca_08_property_grant_within_cap_net_of_paid_and_never_negative(oop, paid, cats):
    r = medical.assess(hh(str(oop), cats, str(paid)), params())
    assert r.amount >= 0
    assert r.amount <= max(D(0), D("23000.00") - paid)
    assert r.amount <= round_half_up(oop)
    assert r.eligible is (r.amount > 0)
    if cats:  # most favourable: at least what any single held category would give
        for c in cats:
            assert r.amount >= medical.assess(hh(str(oop), (c,), str(paid)), params()).amount
