"""The working-day calendar: public holidays and make-up working days (调休)."""

from __future__ import annotations

import datetime as dt

from socialaid.db import UnitOfWork
from socialaid.referral.domain.calendar import WorkingCalendar
from socialaid.referral.domain.records import Holiday
from socialaid.referral.repository import CalendarRepository
from socialaid.referral.schemas import HolidayRead, HolidayUpdate


def _view(h: Holiday) -> HolidayRead:
    return HolidayRead(day=h.day, kind=h.kind, name=h.name, source=h.source)


async def list_holidays(uow: UnitOfWork, *, year: int | None = None) -> list[HolidayRead]:
    return [_view(h) for h in await CalendarRepository(uow.session).list_holidays(year=year)]


async def declare_holiday(uow: UnitOfWork, *, day: dt.date, data: HolidayUpdate) -> HolidayRead:
    """Declare ``day`` a holiday or a make-up working day (applies to referrals made afterwards)."""
    entry = Holiday(day=day, kind=data.kind, name=data.name, source=data.source)
    return _view(await CalendarRepository(uow.session).put_holiday(entry))


async def load_calendar(uow: UnitOfWork) -> WorkingCalendar:
    entries = await CalendarRepository(uow.session).list_holidays()
    return WorkingCalendar.from_entries((h.day, h.kind) for h in entries)
