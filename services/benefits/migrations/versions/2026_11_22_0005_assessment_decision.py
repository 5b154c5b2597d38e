"""Assessments of every programme: flags, approval level, review frequency, breakdown, figures
and the parameter snapshot id (sha256 of the parameter versions used) (R-CA-12).

Rows stored before this revision get empty flags/breakdown/figures and their snapshot id computed
from the parameters they already hold (same canonical JSON as the service: sorted by key).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _snapshot_id(parameters: list[dict[str, Any]]) -> str:
    ordered = sorted(parameters, key=lambda p: p["key"])
    text = json.dumps(ordered, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def upgrade() -> None:
    op.add_column(
        "assessment",
        sa.Column("flags", ARRAY(sa.String(40)), nullable=False, server_default=sa.text("'{}'")),
    )
    op.add_column("assessment", sa.Column("approval_level", sa.String(20)))
    op.add_column("assessment", sa.Column("review_frequency", sa.String(20)))
    for name in ("breakdown", "figures"):
        op.add_column(
            "assessment",
            sa.Column(name, JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        )
    op.add_column("assessment", sa.Column("parameter_snapshot_id", sa.String(64)))
    op.alter_column("assessment", "rule_set_version", type_=sa.String(80), existing_nullable=False)
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id, parameters FROM assessment")).mappings():
        conn.execute(
            sa.text("UPDATE assessment SET parameter_snapshot_id = :s WHERE id = :id"),
            {"s": _snapshot_id(row["parameters"]), "id": row["id"]},
        )


def downgrade() -> None:
    op.alter_column("assessment", "rule_set_version", type_=sa.String(40), existing_nullable=False)
    for name in (
        "parameter_snapshot_id",
        "figures",
        "breakdown",
        "review_frequency",
        "approval_level",
        "flags",
    ):
        op.drop_column("assessment", name)
