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
from socialaid.benefits.domain.json_values import to_json

__all__ = ["digest_json", "household_from_json", "stored_household", "to_json"]


def digest_json(value: Any) -> str:
    """sha256 of the canonical JSON text (sorted keys, no spaces, UTF-8) of a value that is JSON
    already (the output of :func:`to_json`)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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


def stored_household(data: dict[str, Any]) -> Household:
    """The household of a stored assessment input (or of a bare household document)."""
    return household_from_json(data.get("household", data))
