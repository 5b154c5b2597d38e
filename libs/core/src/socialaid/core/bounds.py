"""Bounded numbers, money, months, dates and JSON values for request schemas.

Every bound here exists because something downstream has a limit: PostgreSQL columns
(``NUMERIC(14,2)``, ``BIGINT``, ``date``), the rules (a monthly amount or an income is a
household's, not a country's), or plain plausibility (nobody alive was born before 1900; a
consent signed two years ago no longer authorises today's checks). A value outside its bound is
a 422 field error, never a 500 from the database.

* money: :data:`socialaid.core.money.Money` / ``NonNegativeMoney`` hold ``NUMERIC(14,2)``
  (plain decimal notation, two places at most, no exponent, no negative zero); the per-field
  ceilings are :data:`MonthlyMoney` (≤ 10,000,000.00) and :data:`AssetMoney`
  (≤ 10,000,000,000.00).
* months: :data:`Month` is ``YYYY-MM`` within 2000–2099 (``MONTH_PATTERN``).
* dates: :data:`BirthDate` (1900-01-01 … today), :data:`PastDate` (1900-01-01 … today),
  :data:`ConsentDate` (within the last year, not in the future), :data:`BusinessDate`
  (1990-01-01 … 2100-12-31).
* integers: :data:`BIGINT_MAX`, :data:`INT_MAX` (the columns' range).
* JSON values: :func:`bounded_json` (depth, size, keys and strings checked as :data:`Text`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from socialaid.core.money import NonNegativeMoney, money_json_schema
from socialaid.core.text import text_problem

INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

MONTHLY_MONEY_MAX = Decimal("10000000.00")
ASSET_MONEY_MAX = Decimal("10000000000.00")

MonthlyMoney = Annotated[
    NonNegativeMoney, Field(le=MONTHLY_MONEY_MAX), money_json_schema(MONTHLY_MONEY_MAX)
]
"""A monthly amount or income of one household or person: 0 … 10,000,000.00 yuan."""

AssetMoney = Annotated[
    NonNegativeMoney, Field(le=ASSET_MONEY_MAX), money_json_schema(ASSET_MONEY_MAX)
]
"""A stock of wealth (deposits, a vehicle's value, a year's figures): 0 … 10,000,000,000.00."""

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Field(pattern=MONTH_PATTERN, max_length=7)]
"""A benefit month ``YYYY-MM`` in 2000–2099."""

EARLIEST_BIRTH = dt.date(1900, 1, 1)
EARLIEST_BUSINESS = dt.date(1990, 1, 1)
LATEST_BUSINESS = dt.date(2100, 12, 31)
CONSENT_VALID_DAYS = 366


def _today() -> dt.date:
    # China Standard Time: a date typed in Beijing just after midnight is "today" there.
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()


def _past(v: dt.date) -> dt.date:
    if v < EARLIEST_BIRTH:
        raise ValueError(f"date is before {EARLIEST_BIRTH.isoformat()}")
    if v > _today():
        raise ValueError("date is in the future")
    return v


def _consent(v: dt.date) -> dt.date:
    today = _today()
    if v > today:
        raise ValueError("the consent cannot be signed in the future")
    if v < today - dt.timedelta(days=CONSENT_VALID_DAYS):
        raise ValueError("the consent was signed more than a year ago; a new one is needed")
    return v


def _business(v: dt.date) -> dt.date:
    if not EARLIEST_BUSINESS <= v <= LATEST_BUSINESS:
        raise ValueError(
            f"date must be between {EARLIEST_BUSINESS.isoformat()} "
            f"and {LATEST_BUSINESS.isoformat()}"
        )
    return v


BirthDate = Annotated[dt.date, AfterValidator(_past)]
"""A birth date: 1900-01-01 … today (China Standard Time)."""

PastDate = Annotated[dt.date, AfterValidator(_past)]
"""A day that has happened: 1900-01-01 … today."""

ConsentDate = Annotated[dt.date, AfterValidator(_consent)]
"""The day a consent was signed: within the last year, not in the future."""

BusinessDate = Annotated[dt.date, AfterValidator(_business)]
"""A day the platform's records can be about: 1990-01-01 … 2100-12-31."""

JSON_MAX_DEPTH = 8
JSON_MAX_NODES = 10_000
JSON_MAX_STRING = 2000


def json_value_problem(
    value: Any,
    *,
    max_depth: int = JSON_MAX_DEPTH,
    max_nodes: int = JSON_MAX_NODES,
    max_string: int = JSON_MAX_STRING,
) -> str | None:
    """Why a free-form JSON value is refused (too deep, too many values, a string too long or
    holding characters :data:`~socialaid.core.text.Text` refuses), or None."""
    nodes = 0
    stack: list[tuple[Any, int, str]] = [(value, 0, "$")]
    while stack:
        item, depth, path = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            return f"holds more than {max_nodes} values"
        if depth > max_depth:
            return f"is nested deeper than {max_depth} levels (at {path})"
        if isinstance(item, str):
            if len(item) > max_string:
                return f"has a string longer than {max_string} characters (at {path})"
            problem = text_problem(item)
            if problem:
                return f"has a string that {problem} (at {path})"
        elif isinstance(item, dict):
            for k, v in item.items():
                key_problem = text_problem(str(k))
                if key_problem or len(str(k)) > 200:
                    return f"has an unacceptable key at {path}"
                stack.append((v, depth + 1, f"{path}.{k}"))
        elif isinstance(item, list | tuple):
            for i, v in enumerate(item):
                stack.append((v, depth + 1, f"{path}[{i}]"))
        elif isinstance(item, float) and item != item:  # NaN never reaches JSON
            return f"has a NaN (at {path})"
    return None


def bounded_json(value: Any) -> Any:
    """``AfterValidator`` for a free-form JSON field."""
    problem = json_value_problem(value)
    if problem:
        raise ValueError(f"value {problem}")
    return value
