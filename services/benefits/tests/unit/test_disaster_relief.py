"""Disaster relief items per household (R-DR-02 … R-DR-06, rules.md §10).

Parameters are the demonstration seeds of migration 0004: 300 per person, 10,000 per death,
20 per person per day × up to 90 days, 20,000 per collapsed house, 2,000 per repair, 60 drought,
130 winter-spring, 0.5 kg of grain per person per day under national responses I/II.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.benefits.tests.support.benefits_testing import in_force, load_seed
from socialaid.benefits.domain import disaster_relief, engine
from socialaid.benefits.domain.household import DisasterLoss, Household, Member
from socialaid.benefits.domain.parameters import ParameterUsed
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters

D = Decimal


SEED = load_seed("2026_11_22_0004_seed_programme_parameters.py")


def params(drop=(), **over):
    day = dt.date(2025, 8, 1)
    out = in_force(SEED, "disaster.", day)
    for k, v in over.items():
        key = k.replace("__", ".")
        out[key] = ParameterUsed(key, v, "141100", dt.date(2025, 1, 1), None, f"id-{key}")
    for k in drop:
        out.pop(k)
    return out


def hh(**loss):
    return Household(
        "141100",
        "2025-08",
        (Member("m", dt.date(1980, 1, 1)),),
        disaster=DisasterLoss(**loss),
    )


@pytest.mark.parametrize(
    ("loss", "item", "amount", "rule_id"),
    [
        ({"persons_needing_emergency_relief": 3}, "emergency", "900.00", "DR-EMERG-01"),  # R-DR-02
        ({"deaths": 1}, "consolation", "10000.00", "DR-DEATH-01"),  # R-DR-03
        (
            {"transitional_persons": 4, "transitional_days": 90},
            "transitional",
            "7200.00",
            "DR-TRANS-01",
        ),  # R-DR-04
        ({"collapsed_houses": 1}, "reconstruction", "20000.00", "DR-HOUSE-01"),  # R-DR-05
        ({"damaged_houses": 2}, "repair", "4000.00", "DR-HOUSE-02"),  # R-DR-05
        ({"drought_persons": 5}, "drought", "300.00", "DR-DROUGHT-01"),  # R-DR-06
        ({"winter_spring_persons": 4}, "winter_spring", "520.00", "DR-WINTER-01"),  # R-DR-06
    ],
)
def test_r_dr_02_to_06_each_item(loss, item, amount, rule_id):
    r = disaster_relief.assess(hh(**loss), params())
    assert r.eligible and r.amount == D(amount) and r.breakdown == {item: D(amount)}
    step = next(s for s in r.trace.steps if s.rule_id == rule_id)
    assert step.result == {item: D(amount)} and step.explanation and step.parameters


def test_r_dr_02_amount_is_the_sum_of_the_items():
    r = disaster_relief.assess(
        hh(
            persons_needing_emergency_relief=3,
            deaths=1,
            transitional_persons=3,
            transitional_days=30,
            collapsed_houses=1,
        ),
        params(),
    )
    assert r.breakdown == {
        "emergency": D("900.00"),
        "consolation": D("10000.00"),
        "transitional": D("1800.00"),
        "reconstruction": D("20000.00"),
    }
    assert r.amount == D("32700.00")
    assert r.trace.steps[-1].rule_id == "DR-SUM-01"
    assert "32,700.00" in r.trace.steps[-1].explanation


def test_r_dr_04_transitional_days_are_capped():
    r = disaster_relief.assess(hh(transitional_persons=2, transitional_days=120), params())
    assert r.amount == D("3600.00") and "TRANSITIONAL_DAYS_CAPPED" in r.reason_codes
    assert r.figures["transitional_days_applied"] == 90


@pytest.mark.parametrize(
    ("level", "grain"), [("I", "180"), ("II", "180"), ("III", None), (None, None)]
)
def test_r_dr_04_national_responses_i_ii_add_grain_as_a_quantity(level, grain):
    r = disaster_relief.assess(
        hh(response_level=level, transitional_persons=4, transitional_days=90), params()
    )
    assert r.amount == D("7200.00")  # grain is never money
    if grain is None:
        assert "grain_kg" not in r.breakdown
    else:
        assert r.breakdown["grain_kg"] == D(grain) and r.figures["grain_kg"] == D(grain)
        assert "公斤" in next(s for s in r.trace.steps if s.rule_id == "DR-GRAIN-01").explanation


def test_r_dr_04_grain_needs_its_parameter_only_under_i_ii():
    loss = {"transitional_persons": 1, "transitional_days": 10}
    assert disaster_relief.assess(hh(**loss), params(drop=("disaster.grain_kg_per_person_day",)))
    with pytest.raises(MissingParameters):
        disaster_relief.assess(
            hh(response_level="I", **loss), params(drop=("disaster.grain_kg_per_person_day",))
        )


def test_r_dr_06_winter_spring_poor_households_first():
    r = disaster_relief.assess(hh(winter_spring_persons=2, poor_household=True), params())
    assert "POOR_HOUSEHOLD_PRIORITY" in r.reason_codes and r.figures["priority"] is True
    r = disaster_relief.assess(hh(winter_spring_persons=2), params())
    assert "POOR_HOUSEHOLD_PRIORITY" not in r.reason_codes and r.figures["priority"] is False
    assert r.amount == D("260.00")


def test_r_dr_02_no_items_no_relief():
    r = disaster_relief.assess(hh(), params())
    assert not r.eligible and r.amount == 0 and r.reason_codes == ("NO_RELIEF_ITEMS",)


def test_r_dr_05_amounts_follow_the_parameters():
    r = disaster_relief.assess(
        hh(collapsed_houses=1), params(disaster__collapsed_house=D("35000.00"))
    )
    assert r.amount == D("35000.00")


@pytest.mark.parametrize("field", ["deaths", "transitional_days", "winter_spring_persons"])
def test_r_dr_02_negative_counts_are_refused(field):
    with pytest.raises(InvalidHousehold):
        disaster_relief.assess(hh(**{field: -1}), params())
    with pytest.raises(InvalidHousehold):
        disaster_relief.assess(
            Household("141100", "2025-08", (Member("m", dt.date(1980, 1, 1)),)), params()
        )


def test_r_dr_02_seeded_values_parse():
    keys = {k for k, *_ in SEED if k.startswith("disaster.")}
    assert keys == {s.key for s in disaster_relief.PARAMETERS}
    assert engine.assess("disaster_relief", hh(deaths=2), params()).amount == D("20000.00")


COUNT = st.integers(min_value=0, max_value=50)


@given(
    persons=COUNT,
    deaths=COUNT,
    t_persons=COUNT,
    days=st.integers(0, 400),
    collapsed=COUNT,
    damaged=COUNT,
    drought=COUNT,
    winter=COUNT,
    level=st.sampled_from([None, "I", "II", "III", "IV"]),
)
def test_r_dr_02_property_amount_is_the_nonnegative_sum_of_items(
    persons, deaths, t_persons, days, collapsed, damaged, drought, winter, level
):
    r = disaster_relief.assess(
        hh(
            response_level=level,
            persons_needing_emergency_relief=persons,
            deaths=deaths,
            transitional_persons=t_persons,
            transitional_days=days,
            collapsed_houses=collapsed,
            damaged_houses=damaged,
            drought_persons=drought,
            winter_spring_persons=winter,
        ),
        params(),
    )
    expected = (
        300 * persons
        + 10000 * deaths
        + 20 * t_persons * min(days, 90)
        + 20000 * collapsed
        + 2000 * damaged
        + 60 * drought
        + 130 * winter
    )
    assert r.amount >= 0 and r.amount == D(expected)
    assert r.amount == sum(v for k, v in r.breakdown.items() if k != "grain_kg")
