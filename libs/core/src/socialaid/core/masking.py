"""One masking policy for personal data shown outside the roles that need it in clear.

- ID numbers keep the region (first six characters) and the last character at most: the
  birth date and the sequence never show, so a masked number plus a birth date shown
  elsewhere cannot rebuild the whole number.
- Names keep the family name (first character).
- Bank accounts keep the last four digits.
- Birth dates keep the year.

Every function accepts an already masked value and returns it unchanged in form, so
masking twice is harmless.
"""

from __future__ import annotations

import datetime as dt

MASK = "*"
_ID_REGION = 6
_ACCOUNT_KEPT = 4


def mask_id_number(value: str) -> str:
    """``110101***********X``: the region and the check character, nothing else."""
    if len(value) <= _ID_REGION + 1:
        return MASK * len(value)
    return value[:_ID_REGION] + MASK * (len(value) - _ID_REGION - 1) + value[-1]


def mask_name(name: str) -> str:
    """Keep the family name (first character), hide the rest: 张三丰 → 张**."""
    if not name:
        return name
    return name[0] + MASK * (len(name) - 1)


def mask_account_number(value: str) -> str:
    """``***************4567``: the last four digits, for the holder to recognise the account."""
    if len(value) <= _ACCOUNT_KEPT:
        return MASK * len(value)
    return MASK * (len(value) - _ACCOUNT_KEPT) + value[-_ACCOUNT_KEPT:]


def mask_birth_date(value: dt.date) -> str:
    """``1961-**-**``: the year (ages and age groups stay readable), not the day."""
    return f"{value.year:04d}-**-**"
