"""Stored state of a disaster, as the repository writes and reads it (no SQL here)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from socialaid.relief.domain.disaster import DisasterStatus, DisasterType, ResponseLevel


@dataclass(frozen=True, slots=True)
class DisasterRecord:
    """A declared disaster (受灾事件) with its graded response level."""

    id: uuid.UUID
    region_code: str
    disaster_type: DisasterType
    response_level: ResponseLevel
    started_on: dt.date
    description: str | None
    status: DisasterStatus
    declared_at: dt.datetime
