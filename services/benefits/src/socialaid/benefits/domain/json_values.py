"""Domain values as JSON values: what traces, stored inputs and digests are made of.

Decimal → str (its scale kept), date → ISO string, tuple/set → list (sets sorted),
dataclass → dict of its fields, floats refused (money and rates are decimals).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

_SCALARS = frozenset({str, int, bool, type(None)})


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def to_json(value: Any) -> Any:
    """A JSON-safe copy: Decimal → str, date → ISO, tuple/set → list, dataclass → dict.

    Exact types are dispatched first (the household and trace hold tens of thousands of values
    per request); anything else takes the general path below, with the same result."""
    t: type = type(value)
    if t in _SCALARS:
        return value
    if t is Decimal:
        return str(value)
    if t is list or t is tuple:
        return [to_json(v) for v in value]
    if t is dict:
        return {str(k): to_json(v) for k, v in value.items()}
    if "__dataclass_fields__" in t.__dict__:
        return {name: to_json(getattr(value, name)) for name in _field_names(t)}
    return _to_json_general(value)


def _to_json_general(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(to_json(v) for v in value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, float):
        raise TypeError("floats have no place in an assessment (money and rates are decimals)")
    raise TypeError(f"cannot store {type(value).__name__} in an assessment")
