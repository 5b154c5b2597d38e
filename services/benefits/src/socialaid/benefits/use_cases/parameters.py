"""Recording and looking up policy parameters, bitemporally (R-CA-01)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from socialaid.benefits.domain.engine import CATALOGUE, spec_for
from socialaid.benefits.domain.parameters import (
    ParameterSpec,
    ParameterUsed,
    ParameterValueError,
    format_value,
    overlaps,
)
from socialaid.benefits.repository import parameter_cache
from socialaid.benefits.repository.parameters import ParameterRepository, ParameterVersion
from socialaid.benefits.schemas.parameters import (
    EffectiveParameterRead,
    ParameterCreate,
    ParameterKeyRead,
    ParameterRead,
    PublishedParameterRead,
)
from socialaid.contracts.events import ParameterPublished
from socialaid.core.errors import Conflict, NotFound, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.regions import get_region, lineage
from socialaid.db import UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink

SOURCE = "/socialaid/benefits"


ReadT = TypeVar("ReadT", bound=ParameterRead)


def _read(version: ParameterVersion, model: type[ReadT], **extra: Any) -> ReadT:
    """A version as the API answers it (``extra``: the fields of a richer answer)."""
    value = version.value
    return model(
        parameter_id=str(version.id),
        key=version.key,
        region_code=version.region_code,
        value=format_value(value) if not isinstance(value, dict | list) else value,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        recorded_at=version.recorded_at,
        superseded_at=version.superseded_at,
        supersedes_id=str(version.supersedes_id) if version.supersedes_id else None,
        source=version.source,
        **extra,
    )


def to_read(version: ParameterVersion) -> ParameterRead:
    return _read(version, ParameterRead)


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
) -> list[EffectiveParameterRead]:
    _require_region(region_code)
    versions = await ParameterRepository(uow.session).effective(
        lineage=lineage(region_code), as_of=as_of, known_at=known_at
    )
    return [_read(v, EffectiveParameterRead, requested_region=region_code) for v in versions]


def list_parameter_keys() -> list[ParameterKeyRead]:
    """The parameter catalogue: every key the rules know."""
    return [
        ParameterKeyRead(key=s.key, kind=s.kind, unit=s.unit, description=s.description)
        for s in CATALOGUE.values()
    ]


async def parameter_history(
    uow: UnitOfWork, *, key: str, region_code: str | None
) -> list[ParameterRead]:
    if spec_for(key) is None:
        raise NotFound(f"No parameter key {key!r}.")
    if region_code is not None:
        _require_region(region_code)
    return [to_read(v) for v in await ParameterRepository(uow.session).history(key, region_code)]


def _event(version: ParameterVersion) -> ParameterPublished:
    return ParameterPublished(
        parameter_id=str(version.id),
        key=version.key,
        region_code=version.region_code,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        value=format_value(version.value),
        source=version.source,
        recorded_at=version.recorded_at,
    )


async def publish_parameter(
    uow: UnitOfWork, *, data: ParameterCreate, events: EventSink | None = None
) -> PublishedParameterRead:
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
    to_close: ParameterVersion | None = None
    for current in await repo.current_versions(data.key, data.region_code):
        if not overlaps(data.valid_from, data.valid_to, current.valid_from, current.valid_to):
            continue
        if current.valid_to is None and current.valid_from < data.valid_from:
            to_close = current
            continue
        raise Conflict(
            f"{data.key} for {data.region_code} already has a version in force "
            f"{current.valid_from}..{current.valid_to or 'open'}; validity periods may not overlap.",
            code="parameter_validity_overlap",
            extra={"conflicting_parameter_id": str(current.id)},
        )
    numeric = spec.kind != "json"
    published: list[ParameterVersion] = []
    closed = None
    if to_close is not None:
        await repo.supersede(to_close.id)
        closed = await repo.add(
            id=uuid7(),
            key=to_close.key,
            region_code=to_close.region_code,
            value_numeric=to_close.value_numeric,
            value_json=to_close.value_json,
            valid_from=to_close.valid_from,
            valid_to=data.valid_from - dt.timedelta(days=1),
            supersedes_id=to_close.id,
            source=to_close.source,
        )
        published.append(closed)
    new = await repo.add(
        id=uuid7(),
        key=data.key,
        region_code=data.region_code,
        value_numeric=value if numeric else None,
        value_json=None if numeric else value,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        source=data.source.text(),
    )
    published.append(new)
    sink = events if events is not None else OutboxSink(uow.session, source=SOURCE)
    for version in published:
        await sink.add(_event(version))
    return _read(
        new,
        PublishedParameterRead,
        closed_previous=to_read(closed) if closed is not None else None,
    )
