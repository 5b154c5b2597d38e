"""Disaster events and graded response levels (pure logic, R-DR-01).

National emergency response for natural disasters is graded I (most severe,
国家一级响应) to IV (四级响应); a disaster is declared for a known
administrative division and cannot start in the future.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), name="Asia/Shanghai")


class DisasterType(StrEnum):
    FLOOD = "flood"
    DROUGHT = "drought"
    EARTHQUAKE = "earthquake"
    FIRE = "fire"
    STORM = "storm"
    LANDSLIDE = "landslide"
    SNOW = "snow"
    OTHER = "other"


class ResponseLevel(StrEnum):
    I = "I"  # noqa: E741 - the official name of the level
    II = "II"
    III = "III"
    IV = "IV"


class DisasterStatus(StrEnum):
    DECLARED = "declared"
    CLOSED = "closed"


def today_in_china(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(CHINA_TZ).date()


def start_date_problem(started_on: dt.date, today: dt.date) -> str | None:
    """Why ``started_on`` cannot be the start of a declared disaster, or None."""
    if started_on > today:
        return f"started_on {started_on} is in the future (today is {today} in China)"
    return None
