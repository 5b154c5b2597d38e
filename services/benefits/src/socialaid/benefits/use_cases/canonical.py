"""Canonical JSON of an assessment's input and result (what is stored, hashed and replayed).

The household is stored as the domain dataclass itself (every field, defaults included), so two
requests that differ only in omitted defaults have the same input hash, and a replay rebuilds the
very ``Household`` the rules saw. Decimals are strings (their scale kept), dates ISO strings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any

from socialaid.benefits.domain.household import Household

_SCALARS = frozenset({str, int, bool, type(None)})


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def to_json(value: Any) -> Any:
    """A JSON-safe copy: Decimal → str, date → ISO, tuple/set → list, dataclass → dict.

    Exact types are dispatched first (the household and trace hold tens of thousands of values
    per request); anything else takes the general path below, with the same result."""
    t = type(value)
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


def digest(value: Any) -> str:
    """sha256 of the canonical JSON text (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(to_json(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_json(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _from_json(inner, data)
    if origin is typing.Literal or tp is Any:
        return data
    if origin is tuple:
        return tuple(_from_json(args[0], v) for v in data)
    if origin is dict:
        return {k: _from_json(args[1], v) for k, v in data.items()}
    if tp is Decimal:
        return Decimal(data)
    if tp is dt.date:
        return dt.date.fromisoformat(data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _from_json(hints[k], v) for k, v in data.items() if k in names})
    return data


def household_from_json(data: dict[str, Any]) -> Household:
    """The stored household back as the domain object (fields added later take their default)."""
    household = _from_json(Household, data)
    assert isinstance(household, Household)
    return household
