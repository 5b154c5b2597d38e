"""Identifiers: GB 11643-1999 citizen ID numbers, keyed hashes and masking, time-ordered UUIDs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import time
import uuid

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def gb11643_check_char(first17: str) -> str:
    """Check character for the first 17 digits of a citizen ID number (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Return why ``value`` is not a valid 18-character citizen ID number, or None if it is."""
    if len(value) != 18:
        return "must have 18 characters"
    body, check = value[:17], value[17].upper()
    if not body.isdigit() or not (check.isdigit() or check == "X"):
        return "must be 17 digits followed by a digit or X"
    if body[:2] not in _PROVINCE_PREFIXES:
        return "region code does not name a province"
    try:
        born = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return "birth date is not a calendar date"
    if born.year < 1880 or born > dt.date.today():
        return "birth date is out of range"
    if gb11643_check_char(body) != check:
        return "check digit does not match (GB 11643)"
    return None


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def keyed_hash(value: str, key: str) -> str:
    """HMAC-SHA256 of a normalised identifier: equal IDs hash equally, the clear value is not kept."""
    return hmac.new(key.encode(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


def uuid7() -> uuid.UUID:
    """Time-ordered UUID (RFC 9562 version 7): index-friendly primary keys and event ids."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def uuid7_block(n: int) -> range:
    """``n`` distinct, increasing version-7 UUIDs as integers (``uuid.UUID(int=v)``), for bulk
    writes: one millisecond timestamp and 42 random bits shared by the block, a counter in the
    low 32 bits. Consecutive values keep a unique index append-only."""
    if not 0 <= n < 1 << 32:
        raise ValueError("a block holds at most 2**32 - 1 identifiers")
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(6), "big")  # 48 bits, 42 used
    first = (ms & ((1 << 48) - 1)) << 80
    first |= 0x7 << 76
    first |= (rand >> 36 & 0xFFF) << 64  # rand_a: 12 bits
    first |= 0b10 << 62
    first |= (rand & ((1 << 30) - 1)) << 32  # top of rand_b: 30 bits; the counter below
    return range(first, first + n)


def uuid_text(value: int) -> str:
    """The canonical 8-4-4-4-12 text of a UUID given as an integer (cheaper than ``uuid.UUID``)."""
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# Two-digit province-level codes of GB/T 2260.
_PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83 91".split()
)


_HEX4 = [f"{i:04x}" for i in range(1 << 16)]


def uuid_texts(ids: range) -> list[str]:
    """The text of each id of (a slice of) a :func:`uuid7_block`: consecutive values that differ
    only in their low 32 bits share their first 28 characters."""
    if not ids:
        return []
    if (ids[-1] >> 32) != (ids[0] >> 32):
        return [uuid_text(v) for v in ids]
    prefix, hex4 = uuid_text(ids[0])[:-8], _HEX4
    low = ids[0] & 0xFFFFFFFF
    return [prefix + hex4[k >> 16] + hex4[k & 0xFFFF] for k in range(low, low + len(ids))]
