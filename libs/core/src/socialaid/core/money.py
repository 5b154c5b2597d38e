"""Money is Decimal yuan with explicit rounding; never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")


def round_yuan(value: Decimal) -> Decimal:
    """Round HALF_UP to 0.01 yuan (the platform's default rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_money(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a string or Decimal")
    try:
        dec = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal amount: {value!r}") from exc
    if not dec.is_finite():
        raise ValueError("amount must be finite")
    return dec


def _check_money(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("amount must be finite")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("amount has more than two decimal places")
    if abs(value) >= Decimal("1e12"):
        raise ValueError("amount is out of range")
    return value


# Plain decimal notation as NUMERIC(14,2) holds it: at most 12 integer digits and 2 places.
_MONEY_TEXT = re.compile(r"-?\d{1,12}(\.\d{1,2})?")


def _no_float(value: object) -> object:
    """Money arrives as a decimal string (``"12.30"``), an integer or a Decimal; never a float,
    an exponent (``"1E+2"``), a negative zero (``"-0.00"``) or more than two places."""
    if isinstance(value, float | bool):
        raise ValueError(
            'money must be a decimal string such as "12.30" (or an integer), never a float'
        )
    if isinstance(value, str):
        if not _MONEY_TEXT.fullmatch(value):
            raise ValueError(
                'money must be written like "12.30": digits, at most two decimal places, '
                "no exponent, no spaces, below 1,000,000,000,000"
            )
        if value.startswith("-") and not value.strip("-0."):
            raise ValueError("money must not be a negative zero")
    if isinstance(value, Decimal) and value.is_zero() and value.is_signed():
        return abs(value)
    return value


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("amount must not be negative")
    return value


MONEY_MAX = Decimal("999999999999.99")  # NUMERIC(14,2)


def money_json_schema(maximum: Decimal = MONEY_MAX, *, signed: bool = False) -> WithJsonSchema:
    """How a money field is documented for requests: an integer or a plain decimal string
    within ``[-maximum,] 0 … maximum``."""
    sign = "-?" if signed else ""
    low = f"-{maximum}" if signed else "0"
    schema: dict[str, Any] = {
        "anyOf": [
            {
                "type": "integer",
                "minimum": -int(maximum) if signed else 0,
                "maximum": int(maximum),
            },
            {"type": "string", "pattern": rf"^{sign}\d{{1,12}}(\.\d{{1,2}})?$"},
        ],
        "description": f"Yuan, at most two decimal places, {low} … {maximum}",
    }
    return WithJsonSchema(schema, mode="validation")


# Decimal in, decimal string out (JSON never carries money as a float).
Money = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    AfterValidator(_check_money),
    PlainSerializer(lambda v: str(v), return_type=str),
    money_json_schema(signed=True),
]
NonNegativeMoney = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    AfterValidator(_check_money),
    AfterValidator(_non_negative),
    PlainSerializer(lambda v: str(v), return_type=str),
    money_json_schema(),
]
