"""Working-day calendar for referral deadlines, pure logic (R-RF-01, R-RF-06)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialaid.referral.domain.calendar import CHINA_TZ, WorkingCalendar, deadline

D = dt.date
# Part of the 2026 National Day arrangement: 1–7 October off, Sunday 20 Sept and Saturday 10 Oct worked.
NATIONAL_DAY = WorkingCalendar.from_entries(
    [(D(2026, 10, d), "holiday") for d in range(1, 8)]
    + [(D(2026, 9, 20), "workday"), (D(2026, 10, 10), "workday")]
)


def test_r_rf_01_weekend_is_skipped():
    plain = WorkingCalendar()
    friday = D(2026, 7, 17)
    assert plain.add_working_days(friday, 1) == D(2026, 7, 20)  # Monday
    assert plain.add_working_days(friday, 5) == D(2026, 7, 24)
    assert plain.add_working_days(D(2026, 7, 18), 1) == D(2026, 7, 20)  # from a Saturday


def test_r_rf_01_holidays_are_skipped_and_makeup_days_count():
    wednesday = D(2026, 9, 30)
    assert NATIONAL_DAY.add_working_days(wednesday, 1) == D(2026, 10, 8)
    # 8 Thu, 9 Fri, 10 Sat (make-up working day), 12 Mon, 13 Tue
    assert NATIONAL_DAY.add_working_days(wednesday, 5) == D(2026, 10, 13)
    assert WorkingCalendar().add_working_days(wednesday, 5) == D(2026, 10, 7)
    # Saturday 19 Sept is a weekend, Sunday 20 Sept a make-up working day.
    assert NATIONAL_DAY.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert not NATIONAL_DAY.is_working_day(D(2026, 10, 5))
    assert NATIONAL_DAY.is_working_day(D(2026, 10, 10))


def test_r_rf_01_deadline_is_end_of_day_in_china_time():
    # 17:00 UTC on 15 July is already Thursday 16 July in Beijing.
    due_on, due_at = deadline(WorkingCalendar(), dt.datetime(2026, 7, 15, 17, 0, tzinfo=dt.UTC), 2)
    assert due_on == D(2026, 7, 20)
    assert due_at == dt.datetime(2026, 7, 20, 23, 59, 59, tzinfo=CHINA_TZ)


def test_days_must_be_positive_and_kinds_known():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(D(2026, 1, 5), 0)
    with pytest.raises(ValueError):
        WorkingCalendar.from_entries([(D(2026, 1, 1), "party")])


@given(start=st.dates(D(2026, 1, 1), D(2027, 12, 1)), days=st.integers(1, 40))
def test_r_rf_01_deadline_is_a_working_day_exactly_n_working_days_later(start, days):
    due = NATIONAL_DAY.add_working_days(start, days)
    assert due > start
    assert NATIONAL_DAY.is_working_day(due)
    assert NATIONAL_DAY.working_days_between(start, due) == days
    assert NATIONAL_DAY.working_days_between(start, due - dt.timedelta(days=1)) == days - 1
