"""Household facts of an active entitlement in their own table (R-CA-01 batch recalculation).

A recalculation rewrites the amount of most active entitlements. With the ~60 aggregate columns
on the same row, every amount change rewrote a ~480-byte tuple; moved to ``entitlement_facts``
(one row per entitlement, changed only when the case is approved again), the amount update
rewrites a narrow row, in place on its page. The facts are copied over, then dropped from ``active_entitlement``
(rows written from now on carry no trace of them). Also platform schema v2.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from alembic import op

from socialaid.db.migrations import downgrade_platform_v2, upgrade_platform_v2

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The aggregate columns of migration 0006 at this revision: (name, NOT NULL).
CATEGORIES = (
    "business", "compensation", "disability_subsidy", "gifts", "medical_insurance",
    "old_age_allowance", "other", "pension_local", "property", "support_received",
    "unemployment_benefit", "wages",
)  # fmt: skip
MEMBER_SLOTS, EARNING_SLOTS, VEHICLE_SLOTS, OBLIGOR_SLOTS = 6, 3, 2, 2
FACTS: list[tuple[str, bool]] = [
    ("members", True),
    *[(f"inc_{c}", True) for c in CATEGORIES],
    ("support_paid", True),
    ("rigid_medical", True),
    ("financial_assets", True),
    *[(f"birth_{i}", False) for i in range(1, MEMBER_SLOTS + 1)],
    ("addon_bits", True),
    *[(f"earn_{i}", False) for i in range(1, EARNING_SLOTS + 1)],
    ("vehicles_counted", True),
    *[(f"vehicle_value_{i}", False) for i in range(1, VEHICLE_SLOTS + 1)],
    ("residential_properties", True),
    ("non_residential_properties", True),
    ("business_barrier", True),
    *[
        (f"obligor_{k}_{i}", False)
        for i in range(1, OBLIGOR_SLOTS + 1)
        for k in ("income", "children", "split", "waived")
    ],
    ("waiver_from", False),
    ("engine_only", True),
]


def upgrade() -> None:
    names = ", ".join(n for n, _ in FACTS)
    # CREATE TABLE AS keeps each column's type; keys, NOT NULL and defaults are added after.
    op.execute(
        f"CREATE TABLE entitlement_facts AS SELECT id AS entitlement_id, {names} "
        "FROM active_entitlement"
    )
    op.execute(
        "ALTER TABLE entitlement_facts "
        "ADD CONSTRAINT pk_entitlement_facts PRIMARY KEY (entitlement_id), "
        "ADD CONSTRAINT fk_entitlement_facts_entitlement_id_active_entitlement "
        "FOREIGN KEY (entitlement_id) REFERENCES active_entitlement (id) ON DELETE CASCADE, "
        "ADD CONSTRAINT ck_entitlement_facts_members_not_negative CHECK (members >= 0), "
        "ALTER COLUMN engine_only SET DEFAULT false, "
        + ", ".join(f"ALTER COLUMN {n} SET NOT NULL" for n, required in FACTS if required)
    )
    op.execute("ALTER TABLE active_entitlement " + ", ".join(f"DROP COLUMN {n}" for n, _ in FACTS))
    # Room for a second version of every row on its page: a recalculation's amount UPDATE stays
    # HOT (no index entry rewritten) even when it changes every row of a page.
    op.execute("ALTER TABLE active_entitlement SET (fillfactor = 45)")
    upgrade_platform_v2(op)  # and for the recalculation's events: HOT sequence updates


def downgrade() -> None:
    downgrade_platform_v2(op)
    types = {
        r[0]: r[1]
        for r in op.get_bind().exec_driver_sql(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'entitlement_facts'::regclass AND attnum > 0 AND NOT attisdropped"
        )
    }
    op.execute(
        "ALTER TABLE active_entitlement "
        + ", ".join(f"ADD COLUMN {n} {types[n]}" for n, _ in FACTS)
    )
    op.execute(
        "UPDATE active_entitlement e SET "
        + ", ".join(f"{n} = f.{n}" for n, _ in FACTS)
        + " FROM entitlement_facts f WHERE f.entitlement_id = e.id"
    )
    op.execute("DROP TABLE entitlement_facts")
    op.execute("ALTER TABLE active_entitlement SET (fillfactor = 70)")
