"""Money is Decimal yuan with explicit rounding; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

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


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError(
            'money must be a decimal string such as "12.30" (or an integer), never a float'
        )
    return value


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("amount must not be negative")
    return value


# Decimal in, decimal string out (JSON never carries money as a float).
Money = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    AfterValidator(_check_money),
    PlainSerializer(lambda v: str(v), return_type=str),
]
NonNegativeMoney = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    AfterValidator(_check_money),
    AfterValidator(_non_negative),
    PlainSerializer(lambda v: str(v), return_type=str),
]
