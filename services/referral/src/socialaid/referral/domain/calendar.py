"""Working-day calendar for referral deadlines (pure logic).

Deadlines count working days (工作日): Monday to Friday, minus public holidays
(放假), plus the weekend days declared make-up working days (调休上班). The day
a referral is made does not count; the deadline is the end of the n-th working
day after it, in China time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), name="Asia/Shanghai")
END_OF_DAY = dt.time(23, 59, 59, tzinfo=CHINA_TZ)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[dt.date, str]]) -> WorkingCalendar:
        """Build from ``(day, kind)`` pairs, kind being ``holiday`` or ``workday``."""
        holidays, workdays = set(), set()
        for day, kind in entries:
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                workdays.add(day)
            else:
                raise ValueError(f"unknown calendar entry kind {kind!r}")
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        current, counted = start, 0
        while counted < days:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            count += self.is_working_day(current)
        return count


def china_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA_TZ).date()


def deadline(
    calendar: WorkingCalendar, created_at: dt.datetime, days: int
) -> tuple[dt.date, dt.datetime]:
    """Due day and due moment (end of that day, China time) for a referral made at ``created_at``."""
    due_on = calendar.add_working_days(china_date(created_at), days)
    return due_on, dt.datetime.combine(due_on, END_OF_DAY)
