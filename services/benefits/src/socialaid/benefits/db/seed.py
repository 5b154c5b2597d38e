"""Parameter versions seeded by migrations (the demonstration region and national defaults).

A seed row is ``(key, region_code, value, valid_from, valid_to, source)``: a ``Decimal`` value is
numeric, anything else a JSON table. Each row's id is a UUIDv5 of its key, region and start in the
migration's namespace, so a downgrade deletes exactly the rows its upgrade inserted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

SeedRow = tuple[str, str, Any, dt.date, dt.date | None, str]

_TABLE = sa.table(
    "parameter_version",
    sa.column("id", UUID(as_uuid=True)),
    sa.column("key", sa.String),
    sa.column("region_code", sa.String),
    sa.column("value_numeric", sa.Numeric),
    sa.column("value_json", JSONB(none_as_null=True)),
    sa.column("valid_from", sa.Date),
    sa.column("valid_to", sa.Date),
    sa.column("source", sa.Text),
)


def seed_id(namespace: uuid.UUID, key: str, region: str, valid_from: dt.date) -> uuid.UUID:
    return uuid.uuid5(namespace, f"{key}|{region}|{valid_from.isoformat()}")


def insert_seed(namespace: uuid.UUID, rows: Sequence[SeedRow]) -> None:
    """Insert the rows (run inside a migration: uses its ``alembic.op``)."""
    op.bulk_insert(
        _TABLE,
        [
            {
                "id": seed_id(namespace, k, r, f),
                "key": k,
                "region_code": r,
                "value_numeric": v if isinstance(v, Decimal) else None,
                "value_json": None if isinstance(v, Decimal) else v,
                "valid_from": f,
                "valid_to": t,
                "source": s,
            }
            for k, r, v, f, t, s in rows
        ],
    )


def delete_seed(namespace: uuid.UUID, rows: Sequence[SeedRow]) -> None:
    """Delete exactly the rows ``insert_seed`` inserted for the same namespace."""
    ids = [seed_id(namespace, k, r, f) for k, r, _v, f, _t, _s in rows]
    op.execute(_TABLE.delete().where(_TABLE.c.id.in_(ids)))
