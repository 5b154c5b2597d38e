"""Stored state of payments, as the repository writes and reads it (no SQL here).

Money is ``Decimal`` to the fen (NUMERIC(14,2)); months are ``YYYY-MM`` strings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from socialaid.contracts.events import Programme
from socialaid.payments.domain.payroll import PaymentState, PayrollState

EntitlementState = Literal["active", "stopped"]
AdjustmentKind = Literal["arrears", "recovery"]
AdjustmentState = Literal["open", "paid", "recovered"]


# ---------------------------------------------------------------- entitlements
@dataclass(frozen=True, slots=True)
class EntitlementTerms:
    """What a county approval sets: where, how much from when, and to whom it is paid."""

    region_code: str
    monthly_amount: Decimal
    start_month: str
    payee_account_name: str
    payee_account_encrypted: str  # FieldCipher; decrypted only to build the bank batch
    payee_account_masked: str  # the last four digits, for answers
    payee_bank_code: str


@dataclass(frozen=True, slots=True)
class NewEntitlement:
    id: uuid.UUID
    case_id: str
    programme: Programme
    terms: EntitlementTerms
    status: EntitlementState
    version: int
    source_event_id: str | None


@dataclass(frozen=True, slots=True)
class EntitlementRecord:
    """A case's monthly entitlement (待遇) for one programme, with its optimistic-lock version."""

    id: uuid.UUID
    case_id: str
    programme: Programme
    region_code: str
    monthly_amount: Decimal
    start_month: str
    end_month: str | None
    payee_account_name: str
    payee_account_encrypted: str  # FieldCipher; decrypted only to build the bank batch
    payee_account_masked: str  # the last four digits, for answers
    payee_bank_code: str
    status: EntitlementState
    version: int
    source_event_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def terms(self) -> EntitlementTerms:
        return EntitlementTerms(
            region_code=self.region_code,
            monthly_amount=self.monthly_amount,
            start_month=self.start_month,
            payee_account_name=self.payee_account_name,
            payee_account_encrypted=self.payee_account_encrypted,
            payee_account_masked=self.payee_account_masked,
            payee_bank_code=self.payee_bank_code,
        )


@dataclass(frozen=True, slots=True)
class NewEntitlementChange:
    """One change to an entitlement after it was created (a later approval, a recalculation)."""

    entitlement_id: uuid.UUID
    from_version: int
    old_amount: Decimal
    new_amount: Decimal
    old_start_month: str
    new_start_month: str
    reason: str
    source_event_id: str | None
    change_id: str | None = None  # entitlement.changed only: a change is applied once
    effective_month: str | None = None


@dataclass(frozen=True, slots=True)
class EntitlementChangeRecord:
    id: int
    entitlement_id: uuid.UUID
    from_version: int
    old_amount: Decimal
    new_amount: Decimal
    old_start_month: str
    new_start_month: str
    reason: str
    source_event_id: str | None
    at: dt.datetime
    change_id: str | None
    effective_month: str | None


# ---------------------------------------------------------------- adjustments
@dataclass(frozen=True, slots=True)
class NewAdjustment:
    """Arrears owed (补发) or an overpayment to recover (追回) for months already paid."""

    entitlement_id: uuid.UUID
    case_id: str
    programme: Programme
    region_code: str
    kind: AdjustmentKind
    amount: Decimal
    months: list[str]
    effective_month: str
    previous_amount: Decimal
    new_amount: Decimal
    change_id: str
    recalculation_id: str | None
    cause: str
    source_event_id: str | None


@dataclass(frozen=True, slots=True)
class AdjustmentRecord(NewAdjustment):
    """An adjustment as stored: its id and where its payment or recovery stands."""

    id: int
    status: AdjustmentState
    created_at: dt.datetime


# ---------------------------------------------------------------- payrolls
@dataclass(frozen=True, slots=True)
class NewPayroll:
    """A payroll (发放批次) as locked, before its control totals are counted."""

    id: uuid.UUID
    region_code: str
    programme: Programme
    month: str
    status: PayrollState
    control_count: int
    control_total: Decimal
    version: int
    created_by: str
    locked_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PayrollRecord(NewPayroll):
    """A payroll as stored: its counts after skipping, sending and the bank's results."""

    skipped_count: int
    settled_count: int
    settled_total: Decimal
    failed_count: int
    failed_total: Decimal
    send_attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    completed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class NewInstruction:
    """One transfer instruction: one per case, programme and month (the unique key)."""

    id: uuid.UUID
    payroll_id: uuid.UUID
    entitlement_id: uuid.UUID
    case_id: str
    programme: Programme
    region_code: str
    month: str
    amount: Decimal
    payee_account_name: str
    payee_account_encrypted: str  # FieldCipher; decrypted only to build the bank batch
    payee_account_masked: str  # the last four digits, for answers
    payee_bank_code: str
    status: PaymentState
    version: int


@dataclass(frozen=True, slots=True)
class InstructionRecord(NewInstruction):
    """A payment instruction with the bank's result once there is one."""

    bank_reference: str | None
    failure_code: str | None
    failure_reason: str | None
    attempts: int
    created_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class NewPaymentPerson:
    """A person an instruction pays for: one per person, programme and month (the unique key)."""

    payment_id: uuid.UUID
    person_hash: str
    programme: Programme
    month: str


# ---------------------------------------------------------------- fund ledger
@dataclass(frozen=True, slots=True)
class NewLedgerEntry:
    """The disbursement entry (资金台账) of one settled payment."""

    payment_id: uuid.UUID
    programme: Programme
    region_code: str
    month: str
    amount: Decimal
    bank_reference: str
    kind: Literal["disbursement"] = "disbursement"


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    entries: int
    total: Decimal
