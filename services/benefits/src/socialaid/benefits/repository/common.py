"""Helpers shared by the repositories."""

from __future__ import annotations

import uuid

from socialaid.core.errors import NotFound


def parse_uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    """An id from a URL: a malformed one names nothing (404), like an unknown one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc
