"""PostgreSQL binary COPY format: encoding rows for ``COPY … FROM STDIN`` and decoding
fixed-width rows of ``COPY … TO STDOUT`` without a Python object per field.

Bulk paths (batch recalculation, set-based event writing) move hundreds of thousands of rows per
statement; the binary format skips text parsing on both sides. Only the types used by those paths
are encoded here: ``int2/int4/int8``, ``bool``, ``uuid`` (16 bytes), ``text``/``bytea`` (raw
bytes) and ``jsonb`` (version byte 1 + UTF-8 text).

Layout (PostgreSQL docs, "COPY" → "Binary Format"): an 11-byte signature, a 32-bit flags field and
a 32-bit header-extension length; then per row a 16-bit field count and, per field, a 32-bit
length (-1 for NULL) and the bytes; a 16-bit -1 ends the data.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
_LEN = struct.Struct(">i")
_FIXED = {"int2": ">h", "int4": ">i", "int8": ">q", "bool": "?"}


class CopyFormatError(RuntimeError):
    """The COPY output does not have the fixed-width layout that was asked for."""


def length_prefixed(value: bytes) -> bytes:
    """One variable-width field: its 32-bit length, then its bytes."""
    return _LEN.pack(len(value)) + value


def jsonb_field(text: bytes) -> bytes:
    """A ``jsonb`` field in binary COPY: length, format version 1, the JSON text."""
    return _LEN.pack(len(text) + 1) + b"\x01" + text


def fixed_field(value: int, pg_type: str) -> bytes:
    """A fixed-width field (``int2``, ``int4``, ``int8`` or ``bool``) with its length prefix."""
    fmt = _FIXED[pg_type]
    return _LEN.pack(struct.calcsize(fmt)) + struct.pack(fmt, value)


def row_prefix(field_count: int) -> bytes:
    """The 16-bit field count that starts every row."""
    return struct.pack(">h", field_count)


def fixed_width_struct(pg_types: Sequence[str]) -> struct.Struct:
    """The struct of one row of fixed-width fields: count, then (length, value) per field."""
    return struct.Struct(">h" + "".join("i" + _FIXED[t][1:] for t in pg_types))


def iter_fixed_rows(buf: bytes | bytearray, pg_types: Sequence[str]) -> Iterator[tuple[int, ...]]:
    """The rows of a binary COPY of fixed-width, non-NULL columns, as tuples of values."""
    row = fixed_width_struct(pg_types)
    body = len(buf) - len(HEADER) - len(TRAILER)
    if not bytes(buf[: len(SIGNATURE)]) == SIGNATURE or body < 0 or body % row.size:
        raise CopyFormatError("unexpected COPY layout (a NULL or a variable-width column?)")
    view = memoryview(buf)[len(HEADER) : len(HEADER) + body]
    for values in row.iter_unpack(view):
        yield values[2::2]  # skip the field count and the per-field lengths
