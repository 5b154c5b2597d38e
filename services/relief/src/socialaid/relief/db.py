"""Relief tables."""

from sqlalchemy import CheckConstraint, Column, Date, DateTime, String, Table, Text, func
from sqlalchemy.dialects.postgresql import UUID

from socialaid.db import new_metadata

metadata = new_metadata()

disaster = Table(
    "disaster",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", String(6), nullable=False, index=True),
    Column("disaster_type", String(20), nullable=False),
    Column("response_level", String(3), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("description", Text),
    Column("status", String(20), nullable=False, server_default="declared"),
    Column("declared_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("response_level IN ('I', 'II', 'III', 'IV')", name="response_level_valid"),
    CheckConstraint("status IN ('declared', 'closed')", name="status_valid"),
    CheckConstraint(
        "disaster_type IN ('flood', 'drought', 'earthquake', 'fire', 'storm', 'landslide', 'snow', 'other')",
        name="disaster_type_valid",
    ),
)
