"""Entitlement schedules from county approvals (R-PA-01, R-PA-03)."""

from __future__ import annotations

from typing import Literal

from socialaid.contracts.events import CaseApproved
from socialaid.core.crypto import FieldCipher
from socialaid.core.ids import uuid7
from socialaid.core.masking import mask_account_number
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.payments.domain.records import (
    EntitlementChangeRecord,
    EntitlementRecord,
    EntitlementTerms,
    NewEntitlement,
    NewEntitlementChange,
)
from socialaid.payments.repository import EntitlementRepository
from socialaid.payments.schemas import EntitlementChange, EntitlementRead, Payee

ApprovalOutcome = Literal["created", "unchanged", "changed"]


def _terms(event: CaseApproved, cipher: FieldCipher) -> EntitlementTerms:
    """The approval's terms as stored: the account number encrypted and masked, never in clear."""
    return EntitlementTerms(
        region_code=event.region_code,
        monthly_amount=round_yuan(event.monthly_amount),
        start_month=event.start_month,
        payee_account_name=event.payee.account_name,
        payee_account_encrypted=cipher.encrypt(event.payee.account_number),
        payee_account_masked=mask_account_number(event.payee.account_number),
        payee_bank_code=event.payee.bank_code,
    )


def _same_terms(
    current: EntitlementTerms, new: EntitlementTerms, account_number: str, cipher: FieldCipher
) -> bool:
    """Whether a later approval changes nothing. Encryption is randomised (two ciphertexts of one
    number differ), so the stored number is compared decrypted, here and nowhere it could leave."""
    return (
        current.region_code,
        current.monthly_amount,
        current.start_month,
        current.payee_account_name,
        current.payee_bank_code,
    ) == (
        new.region_code,
        new.monthly_amount,
        new.start_month,
        new.payee_account_name,
        new.payee_bank_code,
    ) and cipher.decrypt(current.payee_account_encrypted) == account_number


async def record_approval(
    uow: UnitOfWork, *, event: CaseApproved, cipher: FieldCipher, event_id: str | None = None
) -> ApprovalOutcome:
    """Create the case's entitlement, or apply a later approval to it (recording the change).

    Returns ``created``, ``unchanged`` or ``changed``. Duplicate deliveries of the
    same event are already dropped by the inbox; stale ones by the sequence check.
    The event's ``beneficiaries`` (intake's keyed ID hashes, stored as sent: payments
    never hashes) replace the people the entitlement pays for; an older event without
    them leaves the stored ones as they are.
    The payee's account number is stored encrypted with ``cipher`` (and masked for answers).
    """
    if event.monthly_amount < 0:
        raise ValueError("an approved monthly amount cannot be negative")
    repo = EntitlementRepository(uow.session)
    terms = _terms(event, cipher)
    new_id = uuid7()
    created = await repo.add(
        NewEntitlement(
            id=new_id,
            case_id=event.case_id,
            programme=event.programme,
            terms=terms,
            status="active",
            version=1,
            source_event_id=event_id,
        )
    )
    current = (
        None if created else await repo.get_of_case(event.case_id, event.programme, for_update=True)
    )
    assert created or current is not None  # the insert above conflicted with this very row
    if event.beneficiaries is not None:
        await repo.set_beneficiaries(new_id if current is None else current.id, event.beneficiaries)
    if current is None:
        return "created"
    if _same_terms(current.terms, terms, event.payee.account_number, cipher):
        return "unchanged"
    await repo.set_terms(current.id, current.version, terms=terms, source_event_id=event_id)
    await repo.add_change(
        NewEntitlementChange(
            entitlement_id=current.id,
            from_version=current.version,
            old_amount=current.monthly_amount,
            new_amount=terms.monthly_amount,
            old_start_month=current.start_month,
            new_start_month=terms.start_month,
            reason="a later approval of the case",
            source_event_id=event_id,
        )
    )
    return "changed"


def entitlement_read(
    e: EntitlementRecord, changes: list[EntitlementChangeRecord]
) -> EntitlementRead:
    return EntitlementRead(
        entitlement_id=str(e.id),
        case_id=e.case_id,
        programme=e.programme,
        region_code=e.region_code,
        monthly_amount=e.monthly_amount,
        start_month=e.start_month,
        end_month=e.end_month,
        payee=Payee(
            account_name=e.payee_account_name,
            account_number=e.payee_account_masked,
            bank_code=e.payee_bank_code,
        ),
        status=e.status,
        version=e.version,
        changes=[
            EntitlementChange(
                from_version=c.from_version,
                old_amount=c.old_amount,
                new_amount=c.new_amount,
                old_start_month=c.old_start_month,
                new_start_month=c.new_start_month,
                reason=c.reason,
                at=c.at,
            )
            for c in changes
        ],
    )


async def list_entitlements(
    uow: UnitOfWork, *, case_id: str | None, limit: int = 100
) -> list[EntitlementRead]:
    repo = EntitlementRepository(uow.session)
    return [
        entitlement_read(e, await repo.list_changes(e.id))
        for e in await repo.list_by_case(case_id=case_id, limit=limit)
    ]
