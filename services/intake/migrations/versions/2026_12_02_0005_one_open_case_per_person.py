"""One person, one open case per monthly programme; ID numbers masked to region and check
character.

``case_person`` lists the people an open dibao or tekun case holds; a partial unique index on
(person_hash, programme) WHERE open lets the database refuse a second open case for the same
person. Existing open cases are entered oldest first; a later case that names a person already
held stays open but unprotected (it is listed in the log of this migration for adjudication).

``household_member.id_number_masked`` kept ten of eighteen characters; together with the birth
date shown beside it that rebuilt the number. It now keeps the region and the check character
(``socialaid.core.masking``), recomputed from the stored mask itself.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import logging

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    op.create_table(
        "case_person",
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("person_hash", sa.String(64), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name="fk_case_person_case_id_case"),
        sa.PrimaryKeyConstraint("case_id", "person_hash", name="pk_case_person"),
    )
    op.create_index(
        "uq_case_person_open",
        "case_person",
        ["person_hash", "programme"],
        unique=True,
        postgresql_where=sa.text("open"),
    )
    bind = op.get_bind()
    skipped = bind.execute(
        sa.text(
            """
            WITH held AS (
                SELECT c.id AS case_id, m.id_number_hash AS person_hash, c.programme,
                       row_number() OVER (PARTITION BY m.id_number_hash, c.programme
                                          ORDER BY c.created_at, c.id) AS rank
                FROM "case" c JOIN household_member m ON m.application_id = c.application_id
                WHERE c.programme IN ('dibao', 'tekun') AND c.status <> 'rejected'
            ), inserted AS (
                INSERT INTO case_person (case_id, person_hash, programme)
                SELECT DISTINCT case_id, person_hash, programme FROM held WHERE rank = 1
                ON CONFLICT DO NOTHING
                RETURNING 1
            )
            SELECT DISTINCT case_id::text FROM held WHERE rank > 1
            """
        )
    ).all()
    for (case_id,) in skipped:
        log.warning("case %s names a person already held by an older open case", case_id)
    op.execute(
        "UPDATE household_member SET id_number_masked = "
        "left(id_number_masked, 6) || repeat('*', length(id_number_masked) - 7) "
        "|| right(id_number_masked, 1) WHERE length(id_number_masked) > 7"
    )


def downgrade() -> None:
    # The wider mask cannot be rebuilt from the narrower one: masks stay as they are.
    op.drop_index("uq_case_person_open", table_name="case_person")
    op.drop_table("case_person")
