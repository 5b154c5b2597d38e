"""Month arithmetic for payment schedules (R-PA-01, R-PA-03)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialaid.payments.domain.months import (
    add_months,
    covers,
    month_of,
    months_between,
    parse_month,
)


@pytest.mark.parametrize("bad", ["2027-13", "2027-00", "2027-1", "27-01", "2027/01", "", "1899-12"])
def test_bad_months_are_refused(bad):
    with pytest.raises(ValueError):
        parse_month(bad)


def test_add_months_crosses_years():
    assert add_months("2026-12", 1) == "2027-01"
    assert add_months("2027-01", -1) == "2026-12"
    assert add_months("2027-03", 22) == "2029-01"
    assert month_of(dt.date(2027, 2, 28)) == "2027-02"


@given(st.integers(1950, 2500), st.integers(1, 12), st.integers(-600, 600))
def test_add_then_measure_round_trips(year, month, n):
    start = f"{year:04d}-{month:02d}"
    moved = add_months(start, n)
    assert months_between(start, moved) == n


def test_r_pa_03_schedule_covers_only_its_months():
    assert not covers("2027-01", start_month="2027-02", end_month=None)
    assert covers("2027-02", start_month="2027-02", end_month=None)
    assert covers("2030-06", start_month="2027-02", end_month=None)
    assert covers("2027-05", start_month="2027-02", end_month="2027-05")
    assert not covers("2027-06", start_month="2027-02", end_month="2027-05")
