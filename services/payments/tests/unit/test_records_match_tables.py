"""The repository maps rows to records by name: every record field is a column of its table."""

from dataclasses import fields

import pytest
from sqlalchemy import Table

from socialaid.payments import db
from socialaid.payments.domain import records

READ = [
    (records.EntitlementRecord, db.entitlement),
    (records.EntitlementChangeRecord, db.entitlement_change),
    (records.AdjustmentRecord, db.adjustment),
    (records.PayrollRecord, db.payroll),
    (records.InstructionRecord, db.payment_instruction),
]
WRITE = [
    (records.EntitlementTerms, db.entitlement),
    (records.NewEntitlementChange, db.entitlement_change),
    (records.NewAdjustment, db.adjustment),
    (records.NewPayroll, db.payroll),
    (records.NewInstruction, db.payment_instruction),
    (records.NewLedgerEntry, db.ledger_entry),
    (records.NewPaymentPerson, db.payment_person),
]


def names(record: type) -> set[str]:
    return {f.name for f in fields(record)}


@pytest.mark.parametrize(("record", "table"), READ, ids=lambda x: getattr(x, "__name__", ""))
def test_a_read_record_has_exactly_the_columns_of_its_table(record: type, table: Table) -> None:
    assert names(record) == set(table.c.keys())


@pytest.mark.parametrize(("record", "table"), WRITE, ids=lambda x: getattr(x, "__name__", ""))
def test_a_new_record_writes_only_columns_of_its_table(record: type, table: Table) -> None:
    assert names(record) <= set(table.c.keys())


def test_an_entitlement_without_terms_fields_is_built_from_its_terms() -> None:
    new_fields = names(records.NewEntitlement) - {"terms"}
    assert new_fields | names(records.EntitlementTerms) <= set(db.entitlement.c.keys())
