"""Helpers shared by the payments repositories."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row

from socialaid.core.errors import NotFound

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def parse_uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


def to_record(record: type[R], row: Row[Any]) -> R:
    """A row of ``select(table)`` as the record whose fields are named like its columns."""
    return record(**row._asdict())


def values_of(record: DataclassInstance) -> dict[str, Any]:
    """The record's fields as insert values (its fields are named like the table's columns)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}
