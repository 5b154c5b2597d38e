"""Records map to and from rows by field name; malformed ids are 404s."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import Column, Date, Numeric, String, Table, Uuid, select

from socialaid.core.errors import NotFound
from socialaid.db import new_metadata
from socialaid.db.records import columns_of, parse_uuid, to_record, values_of

metadata = new_metadata()
thing = Table(
    "thing",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(40)),
    Column("amount", Numeric(14, 2)),
    Column("due_on", Date),
    Column("note", String(200)),
)


@dataclass(frozen=True, slots=True)
class Thing:
    id: uuid.UUID
    amount: Decimal
    due_on: dt.date


def test_columns_follow_the_record_fields_not_the_table() -> None:
    assert [c.name for c in columns_of(thing, Thing)] == ["id", "amount", "due_on"]
    assert "note" not in str(select(*columns_of(thing, Thing)))


def test_a_record_round_trips_through_row_values() -> None:
    record = Thing(uuid.uuid4(), Decimal("512.00"), dt.date(2027, 1, 1))
    assert to_record(Thing, values_of(record)) == record


def test_an_unknown_column_in_a_row_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(TypeError):
        to_record(Thing, {"id": uuid.uuid4(), "amount": 1, "due_on": None, "note": "x"})


def test_ids() -> None:
    same = uuid.uuid4()
    assert parse_uuid(str(same), "case") == same
    assert parse_uuid(same, "case") is same
    with pytest.raises(NotFound, match="No case 12"):
        parse_uuid("12", "case")
