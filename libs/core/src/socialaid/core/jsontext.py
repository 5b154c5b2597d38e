"""JSON text: a fast encoder for documents, and pieces of JSON text for bulk encoders that fill
templates instead of calling ``json.dumps`` per value (hundreds of thousands of events in one
recalculation)."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# Printable ASCII without '"' and '\': such a string needs no escaping inside JSON quotes.
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def needs_no_escaping(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None


def json_string_inner(value: str) -> str:
    """``value`` as the inside of a JSON string literal (without the quotes)."""
    return value if needs_no_escaping(value) else json.dumps(value, ensure_ascii=False)[1:-1]


_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps_bytes(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON (no spaces, non-ASCII kept, keys in their order).

    orjson where it can (several times faster: traces, stored inputs and answers are written on
    every request); the standard library for what orjson refuses (``Decimal``, integers beyond
    64 bits), so every value ``json.dumps`` accepts is accepted. Not for digests: those keep
    ``json.dumps(sort_keys=True)`` so that a hash never depends on the encoder's version."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def dumps(value: Any) -> str:
    """:func:`dumps_bytes` as text (what a database driver binds as JSON)."""
    return dumps_bytes(value).decode()
