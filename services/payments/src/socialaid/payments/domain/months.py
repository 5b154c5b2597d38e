"""Benefit months as ``YYYY-MM`` strings (the format every event and table uses)."""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(value: str) -> tuple[int, int]:
    """``"2027-01"`` → ``(2027, 1)``; anything else is a ValueError."""
    m = _MONTH.match(value or "")
    if m is None:
        raise ValueError(f"not a month in the form YYYY-MM: {value!r}")
    year, month = int(m.group(1)), int(m.group(2))
    if year < 1900:
        raise ValueError(f"month out of range: {value!r}")
    return year, month


def format_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def add_months(value: str, n: int) -> str:
    year, month = parse_month(value)
    index = year * 12 + (month - 1) + n
    return format_month(index // 12, index % 12 + 1)


def months_between(start: str, end: str) -> int:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    (y1, m1), (y2, m2) = parse_month(start), parse_month(end)
    return (y2 * 12 + m2) - (y1 * 12 + m1)


def month_of(day: dt.date) -> str:
    return format_month(day.year, day.month)


def covers(month: str, *, start_month: str, end_month: str | None) -> bool:
    """Is ``month`` within [start_month, end_month] (an open end pays on)?"""
    if months_between(start_month, month) < 0:
        return False
    return end_month is None or months_between(month, end_month) >= 0
