"""Shared pieces of the API models: strict request base, month pattern, region and moment checks."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from socialaid.core.bounds import MONTH_PATTERN
from socialaid.core.regions import get_region

YM = MONTH_PATTERN


class RequestModel(BaseModel):
    """A request body: unknown fields refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def known_region(v: str, *, allow_national: bool) -> str:
    region = get_region(v)
    if region is None:
        raise ValueError(f"unknown region code {v}")
    if region.level == "national" and not allow_national:
        raise ValueError("assess for a county (or city), not the whole country")
    return v


def not_future(v: dt.datetime | None) -> dt.datetime | None:
    if v is None:
        return v
    if v.tzinfo is None:
        raise ValueError("known_at needs a time zone (e.g. 2026-07-01T00:00:00+08:00)")
    if v > dt.datetime.now(dt.UTC):
        raise ValueError("known_at is in the future: nothing is known there yet")
    return v
