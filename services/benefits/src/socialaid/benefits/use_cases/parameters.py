"""Recording and looking up policy parameters, bitemporally (R-CA-01)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping

from socialaid.benefits import parameter_cache
from socialaid.benefits.domain.engine import CATALOGUE, spec_for
from socialaid.benefits.domain.parameters import (
    ParameterSpec,
    ParameterUsed,
    ParameterValueError,
    format_value,
    overlaps,
)
from socialaid.benefits.repository import ParameterRepository
from socialaid.benefits.schemas import ParameterCreate
from socialaid.contracts.events import ParameterPublished
from socialaid.core.errors import Conflict, NotFound, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.regions import get_region, lineage
from socialaid.db import UnitOfWork
from socialaid.events.outbox import add_event

SOURCE = "/socialaid/benefits"


def row_value(row: RowMapping) -> Any:
    return row["value_numeric"] if row["value_numeric"] is not None else row["value_json"]


def to_read(row: RowMapping) -> dict[str, Any]:
    value = row_value(row)
    return {
        "parameter_id": str(row["id"]),
        "key": row["key"],
        "region_code": row["region_code"],
        "value": format_value(value) if not isinstance(value, dict | list) else value,
        "valid_from": row["valid_from"].isoformat(),
        "valid_to": row["valid_to"].isoformat() if row["valid_to"] else None,
        "recorded_at": row["recorded_at"].isoformat(),
        "superseded_at": row["superseded_at"].isoformat() if row["superseded_at"] else None,
        "supersedes_id": str(row["supersedes_id"]) if row["supersedes_id"] else None,
        "source": row["source"],
    }


def _require_region(region_code: str) -> None:
    if get_region(region_code) is None:
        raise RuleViolation(f"Unknown region code {region_code}.", code="unknown_region")


def _require_spec(key: str) -> ParameterSpec:
    spec = spec_for(key)
    if spec is None:
        raise RuleViolation(
            f"Unknown parameter key {key!r}; see GET /v1/parameters/keys.",
            code="unknown_parameter_key",
            extra={"known_keys": sorted(CATALOGUE)},
        )
    return spec


async def effective_parameters(
    uow: UnitOfWork,
    *,
    region_code: str,
    as_of: dt.date,
    known_at: dt.datetime,
    keys: Sequence[str] | None = None,
) -> dict[str, ParameterUsed]:
    """The values in force for ``region_code`` on ``as_of`` as known at ``known_at`` (with fallback)."""
    _require_region(region_code)
    return await parameter_cache.lookup(
        uow.session, lineage=lineage(region_code), as_of=as_of, known_at=known_at, keys=keys
    )


async def list_effective(
    uow: UnitOfWork, *, region_code: str, as_of: dt.date, known_at: dt.datetime
) -> list[dict[str, Any]]:
    _require_region(region_code)
    rows = await ParameterRepository(uow.session).effective(
        lineage=lineage(region_code), as_of=as_of, known_at=known_at
    )
    return [{**to_read(r), "requested_region": region_code} for r in rows]


async def parameter_history(
    uow: UnitOfWork, *, key: str, region_code: str | None
) -> list[dict[str, Any]]:
    if spec_for(key) is None:
        raise NotFound(f"No parameter key {key!r}.")
    if region_code is not None:
        _require_region(region_code)
    return [to_read(r) for r in await ParameterRepository(uow.session).history(key, region_code)]


def _event(row: RowMapping) -> ParameterPublished:
    return ParameterPublished(
        parameter_id=str(row["id"]),
        key=row["key"],
        region_code=row["region_code"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        value=format_value(row_value(row)),
        source=row["source"],
        recorded_at=row["recorded_at"],
    )


async def publish_parameter(uow: UnitOfWork, *, data: ParameterCreate) -> dict[str, Any]:
    """Record a new version. It may not overlap a current version of the same key and region,
    except that it closes the open-ended latest one (valid_to = new valid_from − 1 day).

    Closing is itself bitemporal: the open-ended row is superseded (kept, so a replay "as known
    at" an earlier moment still sees it) and a closed copy is recorded beside the new version.
    """
    spec = _require_spec(data.key)
    try:
        value = spec.parse(data.value)
    except ParameterValueError as exc:
        raise RuleViolation(str(exc), code="invalid_parameter_value") from exc
    repo = ParameterRepository(uow.session)
    await repo.lock_series(data.key, data.region_code)
    to_close: RowMapping | None = None
    for row in await repo.current_versions(data.key, data.region_code):
        if not overlaps(data.valid_from, data.valid_to, row["valid_from"], row["valid_to"]):
            continue
        if row["valid_to"] is None and row["valid_from"] < data.valid_from:
            to_close = row
            continue
        raise Conflict(
            f"{data.key} for {data.region_code} already has a version in force "
            f"{row['valid_from']}..{row['valid_to'] or 'open'}; validity periods may not overlap.",
            code="parameter_validity_overlap",
            extra={"conflicting_parameter_id": str(row["id"])},
        )
    numeric = spec.kind != "json"
    values = {
        "key": data.key,
        "region_code": data.region_code,
        "value_numeric": value if numeric else None,
        "value_json": None if numeric else value,
    }
    published: list[RowMapping] = []
    closed = None
    if to_close is not None:
        await repo.supersede(to_close["id"])
        closed = await repo.add(
            id=uuid7(),
            key=to_close["key"],
            region_code=to_close["region_code"],
            value_numeric=to_close["value_numeric"],
            value_json=to_close["value_json"],
            valid_from=to_close["valid_from"],
            valid_to=data.valid_from - dt.timedelta(days=1),
            supersedes_id=to_close["id"],
            source=to_close["source"],
        )
        published.append(closed)
    new = await repo.add(
        id=uuid7(),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        source=data.source.text(),
        **values,
    )
    published.append(new)
    for row in published:
        await add_event(uow.session, _event(row), source=SOURCE)
    return {**to_read(new), "closed_previous": to_read(closed) if closed is not None else None}
