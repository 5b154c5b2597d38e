"""Pieces of JSON text for bulk encoders that fill templates instead of calling ``json.dumps``
per value (hundreds of thousands of events in one recalculation)."""

from __future__ import annotations

import json
import re

# Printable ASCII without '"' and '\': such a string needs no escaping inside JSON quotes.
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def needs_no_escaping(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None


def json_string_inner(value: str) -> str:
    """``value`` as the inside of a JSON string literal (without the quotes)."""
    return value if needs_no_escaping(value) else json.dumps(value, ensure_ascii=False)[1:-1]
