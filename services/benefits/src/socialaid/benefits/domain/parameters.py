"""Parameter value shapes and the values a rule used (pure logic).

Every number of the rulebook is a *parameter*: a dated value per region,
recorded bitemporally (law time ``valid_from..valid_to``, knowledge time
``recorded_at..superseded_at``). A ``ParameterSpec`` says what a key means and
what shape its values have. The catalogue is ``engine.CATALOGUE``: the union of
the programme modules' ``PARAMETERS`` (each module declares the keys it owns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, Literal

from socialaid.benefits.domain.json_values import to_json

Kind = Literal["money", "decimal", "integer", "json"]


class ParameterValueError(ValueError):
    """A value does not have the shape its key requires."""


def table_decimal(value: Any, where: str) -> Decimal:
    """A number inside a JSON parameter table: a decimal string or an integer, never a float
    (bounds are the table's own)."""
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        raise ParameterValueError(f"{where}: a decimal string or an integer, never a float")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ParameterValueError(f"{where}: {value!r} is not a number") from exc


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    kind: Kind
    unit: str
    description: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: bool = False
    validate_json: Callable[[Any], None] | None = None

    def parse(self, raw: Any) -> Decimal | Any:
        """The value in canonical form (Decimal for numeric kinds), or ParameterValueError."""
        if self.kind == "json":
            if not isinstance(raw, dict | list):
                raise ParameterValueError(f"{self.key} takes a JSON object or array")
            if self.validate_json:
                self.validate_json(raw)
            return raw
        if (
            isinstance(raw, bool)
            or isinstance(raw, float)
            or not isinstance(raw, str | int | Decimal)
        ):
            raise ParameterValueError(
                f'{self.key} takes a decimal string (e.g. "850.00") or an integer, never a float'
            )
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation as exc:
            raise ParameterValueError(f"{self.key}: {raw!r} is not a number") from exc
        if not value.is_finite():
            raise ParameterValueError(f"{self.key} must be finite")
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if self.kind == "integer" and value != value.to_integral_value():
            raise ParameterValueError(f"{self.key} must be a whole number")
        if self.kind == "integer":
            value = value.quantize(Decimal(1))
        if self.kind == "money" and exponent < -2:
            raise ParameterValueError(f"{self.key} is money: at most two decimal places")
        if self.kind == "decimal" and exponent < -6:
            raise ParameterValueError(f"{self.key}: at most six decimal places")
        if self.minimum is not None and (
            value < self.minimum or (self.exclusive_minimum and value == self.minimum)
        ):
            op = ">" if self.exclusive_minimum else "≥"
            raise ParameterValueError(f"{self.key} must be {op} {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ParameterValueError(f"{self.key} must be ≤ {self.maximum}")
        if self.kind == "money":
            value = value.quantize(Decimal("0.01"))
        return value


def format_value(value: Any) -> str:
    """A value as text for events and traces (decimals keep their scale)."""
    if isinstance(value, Decimal):
        return str(value)
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class ParameterUsed:
    """One effective parameter value, with the version and region that supplied it."""

    key: str
    value: Any
    region_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    parameter_id: str
    source: str = ""

    @property
    def decimal(self) -> Decimal:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"{self.key} is not numeric")
        return self.value

    @cached_property
    def trace_entry(self) -> dict[str, Any]:
        """How a trace step names this version, as JSON (built once per version; never mutate)."""
        return {
            "key": self.key,
            "value": to_json(self.value),
            "region_code": self.region_code,
            "valid_from": self.valid_from.isoformat(),
            "parameter_id": self.parameter_id,
        }

    def snapshot(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": format_value(self.value),
            "region_code": self.region_code,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "parameter_id": self.parameter_id,
            "source": self.source,
        }


ParameterSet = Mapping[str, ParameterUsed]


def overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    """Closed intervals [from, to] (``None`` = open-ended) intersect."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)
