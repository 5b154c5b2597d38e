"""Stored state of an application, its household and a case's documents (pure values)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter

from socialaid.contracts.events import (
    AssessmentCompleted,
    DeclaredAssets,
    Discrepancy,
    VerificationCompleted,
)


@dataclass(frozen=True, slots=True)
class Application:
    """One household's application (一门受理): consent, declared assets and the payee account."""

    id: str
    region_code: str
    channel: str
    received_by: str
    consent_signed: bool
    consent_signed_on: dt.date | None
    consent_scope: tuple[str, ...]
    declared_assets: DeclaredAssets
    payee: StoredPayee | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredPayee:
    """The payee account as stored: the account number only encrypted and masked, never in clear.

    Decrypted only where a use case needs the number itself (the ``case.approved`` event that
    tells payments where to pay)."""

    account_name: str
    account_number_encrypted: str
    account_number_masked: str
    bank_code: str

    @classmethod
    def from_document(cls, doc: Document) -> StoredPayee:
        return _STORED_PAYEE.validate_python(doc)

    def to_document(self) -> Document:
        return {
            "account_name": self.account_name,
            "account_number_encrypted": self.account_number_encrypted,
            "account_number_masked": self.account_number_masked,
            "bank_code": self.bank_code,
        }


@dataclass(frozen=True, slots=True)
class Member:
    """A household member as stored: the ID number only encrypted, hashed and masked."""

    id: str
    application_id: str
    position: int
    name: str
    id_number_hash: str
    id_number_encrypted: str
    id_number_masked: str
    relationship: str
    birth_date: dt.date
    disability_grade: int | None
    serious_illness: bool
    labour_capacity: str
    declared_monthly_income: Decimal


@dataclass(frozen=True, slots=True)
class CaseHistoryRecord:
    """A recorded status change of a case."""

    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class CaseListing:
    """What a list of cases shows of each case."""

    id: str
    application_id: str
    programme: str
    region_code: str
    status: str
    monthly_amount: Decimal | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CaseOfApplication:
    """A case as listed under its application."""

    id: str
    programme: str
    status: str


Document = dict[str, Any]
"""A JSON document as stored in a JSONB column."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """The benefits service's assessment of the case: what the county decides on."""

    assessment_id: str
    eligible: bool
    amount: Decimal
    standard: Decimal
    per_capita_income: Decimal
    reason_codes: tuple[str, ...]
    benefit_month: str
    rule_set_version: str

    @classmethod
    def of(cls, event: AssessmentCompleted) -> Proposal:
        return cls(
            assessment_id=event.assessment_id,
            eligible=event.eligible,
            amount=event.amount,
            standard=event.standard,
            per_capita_income=event.per_capita_income,
            reason_codes=tuple(event.reason_codes),
            benefit_month=event.benefit_month,
            rule_set_version=event.rule_set_version,
        )

    @classmethod
    def from_document(cls, doc: Document) -> Proposal:
        return _PROPOSAL.validate_python(doc)

    def to_document(self) -> Document:
        """The stored JSON document: decimals as strings, in field order."""
        return _PROPOSAL.dump_python(self, mode="json")  # type: ignore[no-any-return]  # TypeAdapter[Any]-typed dump


@dataclass(frozen=True, slots=True)
class Verification:
    """The verification service's findings on the household's income and assets."""

    verification_id: str
    verified_monthly_income: Decimal
    financial_assets: Decimal
    vehicles: int
    properties: int
    discrepancies: tuple[Discrepancy, ...]
    evidence_count: int

    @classmethod
    def of(cls, event: VerificationCompleted) -> Verification:
        return cls(
            verification_id=event.verification_id,
            verified_monthly_income=event.verified_monthly_income,
            financial_assets=event.financial_assets,
            vehicles=event.vehicles,
            properties=event.properties,
            discrepancies=tuple(event.discrepancies),
            evidence_count=event.evidence_count,
        )

    @classmethod
    def from_document(cls, doc: Document) -> Verification:
        return _VERIFICATION.validate_python(doc)

    def to_document(self) -> Document:
        """The stored JSON document: decimals as strings, in field order."""
        return _VERIFICATION.dump_python(self, mode="json")  # type: ignore[no-any-return]  # TypeAdapter[Any]-typed dump


# The stored documents are parsed (decimal strings, lists) by pydantic, never picked apart by key.
_PROPOSAL = TypeAdapter(Proposal)
_STORED_PAYEE = TypeAdapter(StoredPayee)
_VERIFICATION = TypeAdapter(Verification)
