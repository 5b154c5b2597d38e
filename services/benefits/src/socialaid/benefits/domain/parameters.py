"""The parameter catalogue and the values a rule used (pure logic).

Every number of the rulebook is a *parameter*: a dated value per region,
recorded bitemporally (law time ``valid_from..valid_to``, knowledge time
``recorded_at..superseded_at``). The catalogue below says which keys exist and
what shape their values have; adding a programme means adding its keys here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Kind = Literal["money", "decimal", "integer", "json"]


class ParameterValueError(ValueError):
    """A value does not have the shape its key requires."""


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


def _spec(key: str, kind: Kind, unit: str, description: str, **kw: Any) -> ParameterSpec:
    return ParameterSpec(key=key, kind=kind, unit=unit, description=description, **kw)


ZERO = Decimal(0)
CATALOGUE: dict[str, ParameterSpec] = {
    s.key: s
    for s in (
        _spec(
            "dibao.standard",
            "money",
            "yuan per person per month",
            "低保标准: monthly dibao standard per person (rules.md §4)",
            minimum=ZERO,
            exclusive_minimum=True,
            maximum=Decimal(100_000),
        ),
        _spec(
            "dibao.fin_assets_months",
            "integer",
            "months of the standard",
            "Financial assets per capita may not exceed this many months of the standard (rules.md §3)",
            minimum=ZERO,
            maximum=Decimal(600),
        ),
        _spec(
            "dibao.vehicle_exempt_value",
            "money",
            "yuan",
            "A car valued at most this much, with a valuation certificate, is exempted (rules.md §3)",
            minimum=ZERO,
            maximum=Decimal(10_000_000),
        ),
        _spec(
            "dibao.max_properties",
            "integer",
            "residential properties",
            "Most residential properties a dibao household may own (rules.md §3)",
            minimum=ZERO,
            maximum=Decimal(100),
        ),
        _spec(
            "edge.multiplier",
            "decimal",
            "× dibao standard",
            "低保边缘: per-capita income below this multiple of the standard (rules.md §5)",
            minimum=Decimal(1),
            maximum=Decimal(10),
        ),
    )
}


def spec_for(key: str) -> ParameterSpec | None:
    return CATALOGUE.get(key)


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
