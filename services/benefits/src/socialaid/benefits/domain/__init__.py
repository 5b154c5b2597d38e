"""Pure benefit rules: parameter catalogue, programme assessments and their explanation traces."""

from __future__ import annotations

import datetime as dt


def first_day(benefit_month: str) -> dt.date:
    """Parameters apply as of the first day of the benefit month (rules.md §4)."""
    year, month = benefit_month.split("-")
    return dt.date(int(year), int(month), 1)
