"""The assessment write path: a parameter revision to check an in-memory copy against, and lz4.

A revision number for the parameter table, bumped by every statement that changes it (R-CA-01).

An assessment looks its parameters up in an in-process copy of ``parameter_version``; it first
reads this one row (in its own transaction) and reloads the copy when the number moved. The
trigger bumps it for any writer — the API, a migration, a hand-written fix — so no change is
missed. ``epoch`` is drawn when the table is created: a copy loaded from another database (a
test database dropped and created again) never passes for current.

An assessment stores its trace (about 11 kB of JSON), input and parameter snapshot; compressing
them with lz4 instead of pglz takes about a third off the INSERT. Rows already stored keep
their pglz values (both are read transparently).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


COMPRESSED = ("trace", "input", "parameters")


def upgrade() -> None:
    for column in COMPRESSED:
        op.execute(f"ALTER TABLE assessment ALTER COLUMN {column} SET COMPRESSION lz4")
    op.execute(
        "CREATE TABLE parameter_revision ("
        " singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT ck_parameter_revision_one_row"
        " CHECK (singleton),"
        " epoch uuid NOT NULL DEFAULT gen_random_uuid(),"
        " revision bigint NOT NULL DEFAULT 1)"
    )
    op.execute("INSERT INTO parameter_revision DEFAULT VALUES")
    op.execute(
        "CREATE FUNCTION bump_parameter_revision() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE parameter_revision SET revision = revision + 1; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER parameter_version_revision "
        "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON parameter_version "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_parameter_revision()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER parameter_version_revision ON parameter_version")
    op.execute("DROP FUNCTION bump_parameter_revision()")
    op.execute("DROP TABLE parameter_revision")
    for column in COMPRESSED:
        op.execute(f"ALTER TABLE assessment ALTER COLUMN {column} SET COMPRESSION pglz")
