"""Rows in and out of frozen dataclass records, once for every repository.

A repository's records are frozen dataclasses whose fields are named like the
table's columns: ``columns_of`` selects exactly those columns, ``to_record``
turns a selected row into the record, ``values_of`` turns a record into insert
values. Callers above the repository never see a row.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Column, Row, RowMapping, Table

from socialaid.core.errors import NotFound

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def columns_of(table: Table, record: type[DataclassInstance]) -> list[Column[Any]]:
    """The table's columns named like the record's fields, in field order."""
    return [table.c[f.name] for f in fields(record)]


def to_record(record: type[R], row: Row[Any] | RowMapping | Mapping[str, Any]) -> R:
    """A selected row as the record whose fields are named like its columns."""
    values = row._asdict() if isinstance(row, Row) else row
    return record(**values)


def values_of(record: DataclassInstance) -> dict[str, Any]:
    """The record's fields as insert values (named like the table's columns)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def parse_uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    """An id from a URL or a message: a malformed one names nothing (404), like an unknown one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc
