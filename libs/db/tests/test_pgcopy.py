"""Binary COPY encoding and decoding (used by the bulk paths: recalculation, bulk outbox writer)."""

import struct

import pytest

from socialaid.db.pgcopy import (
    HEADER,
    TRAILER,
    CopyFormatError,
    fixed_field,
    iter_fixed_rows,
    jsonb_field,
    length_prefixed,
    row_prefix,
)


def test_fixed_width_rows_round_trip():
    rows = [(0, 1), (7, -2), (2**31 - 1, 2**62)]
    buf = HEADER
    for a, b in rows:
        buf += row_prefix(2) + fixed_field(a, "int4") + fixed_field(b, "int8")
    buf += TRAILER
    assert list(iter_fixed_rows(buf, ("int4", "int8"))) == rows


def test_a_layout_that_is_not_fixed_width_is_refused():
    buf = HEADER + row_prefix(1) + length_prefixed(b"abc") + TRAILER
    with pytest.raises(CopyFormatError):
        list(iter_fixed_rows(buf, ("int8",)))
    with pytest.raises(CopyFormatError):
        list(iter_fixed_rows(b"not a copy" + b"\0" * 20, ("int8",)))


def test_variable_width_fields_carry_their_length():
    assert length_prefixed("账户".encode()) == struct.pack(">i", 6) + "账户".encode()
    assert jsonb_field(b"{}") == struct.pack(">i", 3) + b"\x01{}"  # jsonb format version 1
    assert fixed_field(True, "bool") == struct.pack(">i?", 1, True)
