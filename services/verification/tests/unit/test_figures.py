"""Verified income, assets and discrepancies (R-VE-02, rules §2-§3) and the consent gate (R-IN-05)."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from socialaid.verification.domain.figures import (
    Declaration,
    MemberFacts,
    Tolerances,
    compute_figures,
    consent_problems,
    find_discrepancies,
)

D = Decimal
EXEMPT = ("motorcycle", "disability_mobility")
FULL_SCOPE = ["registration", "income", "real_estate", "vehicles", "deposits"]


def test_r_in_05_unsigned_consent_blocks_every_query():
    assert consent_problems(signed=False, scope=FULL_SCOPE, required=FULL_SCOPE) == [
        "consent_not_signed"
    ]


def test_r_in_05_missing_scope_items_are_each_reported():
    got = consent_problems(signed=True, scope=["registration", "income"], required=FULL_SCOPE)
    assert got == [
        "consent_scope_missing:real_estate",
        "consent_scope_missing:vehicles",
        "consent_scope_missing:deposits",
    ]
    assert consent_problems(signed=True, scope=FULL_SCOPE, required=FULL_SCOPE) == []


def test_r_ve_02_income_is_wages_plus_pensions_plus_unemployment():
    f = compute_figures(
        [
            MemberFacts("m1", wages=D("2500.00"), unemployment=D("0")),
            MemberFacts("m2", pension=D("900.00"), unemployment=D("300.50")),
        ],
        exempt_vehicle_kinds=EXEMPT,
    )
    assert f.verified_monthly_income == D("3700.50")
    assert f.income_by_source == {
        "wages": D("2500.00"),
        "pensions": D("900.00"),
        "unemployment": D("300.50"),
    }
    assert f.household_size == 2 and f.deceased_members == 0


def test_rules_2_central_basic_residents_pension_is_excluded_but_local_top_up_counts():
    f = compute_figures(
        [MemberFacts("m1", pension=D("300.00"), pension_central_basic=D("123.00"))],
        exempt_vehicle_kinds=EXEMPT,
    )
    assert f.verified_monthly_income == D("177.00")
    assert f.excluded_income == {"pension_central_basic": D("123.00")}


def test_deceased_members_income_is_not_counted_and_they_leave_the_household():
    f = compute_figures(
        [
            MemberFacts("m1", wages=D("1000")),
            MemberFacts(
                "m2",
                alive=False,
                deceased_on=dt.date(2026, 5, 1),
                pension=D("2000"),
                deposits=D("5000"),
            ),
        ],
        exempt_vehicle_kinds=EXEMPT,
    )
    assert f.verified_monthly_income == D("1000.00")
    assert f.household_size == 1 and f.deceased_members == 1
    assert f.financial_assets == D("5000.00")  # the estate stays with the household


def test_rules_3_assets_exempt_vehicle_kinds_are_not_counted():
    f = compute_figures(
        [
            MemberFacts(
                "m1",
                deposits=D("1200.10"),
                vehicle_kinds=("car", "motorcycle"),
                property_kinds=("residential",),
            ),
            MemberFacts(
                "m2",
                deposits=D("0.90"),
                vehicle_kinds=("disability_mobility",),
                property_kinds=("residential", "commercial"),
            ),
        ],
        exempt_vehicle_kinds=EXEMPT,
    )
    assert (f.financial_assets, f.vehicles, f.properties) == (D("1201.00"), 1, 3)
    assert [m.vehicles_exempt for m in f.members] == [1, 1]


def test_r_ve_02_matching_declaration_has_no_discrepancy():
    f = compute_figures(
        [MemberFacts("m1", wages=D("800"), deposits=D("3000"), property_kinds=("residential",))],
        exempt_vehicle_kinds=EXEMPT,
    )
    decl = Declaration(monthly_income={"m1": D("800.00")}, financial_assets=D("3000"), properties=1)
    assert find_discrepancies(decl, f) == []


def test_r_ve_02_every_difference_is_reported():
    facts = [
        MemberFacts("m1", wages=D("2500")),
        MemberFacts("m2", alive=False, deceased_on=dt.date(2026, 3, 2)),
        MemberFacts("m3", deposits=D("50000"), vehicle_kinds=("car",)),
    ]
    f = compute_figures(facts, exempt_vehicle_kinds=EXEMPT)
    decl = Declaration(
        monthly_income={"m1": D("300"), "m2": D("0"), "m3": D("0")}, financial_assets=D("1000")
    )
    found = {x.item: x for x in find_discrepancies(decl, f, deaths={"m2": dt.date(2026, 3, 2)})}
    assert set(found) == {
        "monthly_income:m1",
        "member_alive:m2",
        "household_monthly_income",
        "financial_assets",
        "vehicles",
    }
    assert (found["monthly_income:m1"].declared, found["monthly_income:m1"].verified) == (
        "300.00",
        "2500.00",
    )
    assert found["member_alive:m2"].verified == "deceased 2026-03-02"
    assert (found["financial_assets"].declared, found["financial_assets"].verified) == (
        "1000.00",
        "50000.00",
    )
    assert (found["vehicles"].declared, found["vehicles"].verified) == ("0", "1")


def test_tolerance_hides_differences_within_it():
    f = compute_figures([MemberFacts("m1", wages=D("1000.40"))], exempt_vehicle_kinds=EXEMPT)
    decl = Declaration(monthly_income={"m1": D("1000")})
    assert find_discrepancies(decl, f, tolerances=Tolerances(income=D("0.50"))) == []
    assert len(find_discrepancies(decl, f)) == 2


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(money, money, money, st.booleans()), min_size=1, max_size=8))
def test_household_income_is_the_sum_of_living_members_countable_income(rows):
    facts = [
        MemberFacts(f"m{i}", wages=w, pension=p, unemployment=u, alive=alive)
        for i, (w, p, u, alive) in enumerate(rows)
    ]
    f = compute_figures(facts, exempt_vehicle_kinds=EXEMPT)
    assert f.verified_monthly_income == sum((w + p + u for w, p, u, alive in rows if alive), D("0"))
    assert f.verified_monthly_income == sum(f.income_by_source.values(), D("0"))
    assert f.household_size + f.deceased_members == len(rows)
