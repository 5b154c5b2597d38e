"""Monthly payrolls: lock the month's payable entitlements with control totals (R-PA-01, R-PA-03, R-PA-04)."""

from __future__ import annotations

import datetime as dt
import uuid

from socialaid.contracts.events import PayrollLocked
from socialaid.core.errors import Conflict, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink
from socialaid.payments.domain.coverage import covered_regions
from socialaid.payments.domain.payroll import (
    ZERO,
    Outcome,
    PaymentStatus,
    PayrollStatus,
    Totals,
    claim_beneficiaries,
    outcome,
)
from socialaid.payments.domain.records import (
    EntitlementRecord,
    NewInstruction,
    NewPaymentPerson,
    NewPayroll,
    PayrollRecord,
)
from socialaid.payments.repository import EntitlementRepository, PayrollRepository
from socialaid.payments.schemas import PayrollCreate, PayrollCreated, PayrollRead, Skipped
from socialaid.payments.use_cases import SOURCE


def _instruction(payroll_id: uuid.UUID, month: str, ent: EntitlementRecord) -> NewInstruction:
    return NewInstruction(
        id=uuid7(),
        payroll_id=payroll_id,
        entitlement_id=ent.id,
        case_id=ent.case_id,
        programme=ent.programme,
        region_code=ent.region_code,
        month=month,
        amount=round_yuan(ent.monthly_amount),
        payee_account_name=ent.payee_account_name,
        payee_account_encrypted=ent.payee_account_encrypted,
        payee_account_masked=ent.payee_account_masked,
        payee_bank_code=ent.payee_bank_code,
        status=PaymentStatus.PENDING,
        version=1,
    )


async def create_payroll(
    uow: UnitOfWork, *, data: PayrollCreate, sink: EventSink | None = None
) -> PayrollCreated:
    """Lock one region's payroll for a month in one transaction, with one instruction per payable case.

    Cases already paid for the month by another payroll (e.g. a county payroll
    inside a city one) are skipped and reported; the unique key on
    (case, programme, month) guarantees it even under concurrent runs. So are cases
    someone they pay for is already paid through another case (the same household
    posted twice): the earliest approved case keeps them, and the unique key on
    (person, programme, month) of ``payment_person``, written with the instructions,
    guarantees it. Entitlements from events without beneficiaries are checked per
    case only.
    ``PayrollLocked`` goes to ``sink`` (the outbox in the same transaction by default).
    """
    events = sink or OutboxSink(uow.session, source=SOURCE)
    payrolls = PayrollRepository(uow.session)
    existing = await payrolls.get_of(
        region_code=data.region_code, programme=data.programme, month=data.month
    )
    if existing is not None:
        raise Conflict(
            f"A {data.programme} payroll for {data.region_code} {data.month} already exists.",
            code="payroll_exists",
            extra={"payroll_id": str(existing.id)},
        )
    entitlement_repo = EntitlementRepository(uow.session)
    entitlements = await entitlement_repo.list_payable(
        regions=covered_regions(data.region_code), programme=data.programme, month=data.month
    )
    if not entitlements:
        raise RuleViolation(
            f"No active {data.programme} entitlement in {data.region_code} covers {data.month}.",
            code="nothing_to_pay",
        )
    taken = {
        case_id: str(payroll_id)
        for case_id, payroll_id in (
            await payrolls.payrolls_of_cases(
                case_ids=[e.case_id for e in entitlements],
                programme=data.programme,
                month=data.month,
            )
        ).items()
    }
    now = dt.datetime.now(dt.UTC)
    payroll_id = uuid7()
    if not await payrolls.add(
        NewPayroll(
            id=payroll_id,
            region_code=data.region_code,
            programme=data.programme,
            month=data.month,
            status=PayrollStatus.LOCKED,
            control_count=0,
            control_total=ZERO,
            version=1,
            created_by=data.actor,
            locked_at=now,
        )
    ):
        raise Conflict(
            f"A {data.programme} payroll for {data.region_code} {data.month} already exists.",
            code="payroll_exists",
        )
    persons = await entitlement_repo.beneficiaries_of([e.id for e in entitlements])
    payers = await payrolls.payers_of_persons(
        person_hashes=set().union(*persons.values()), programme=data.programme, month=data.month
    )
    first_approved = sorted(
        (e for e in entitlements if e.case_id not in taken), key=lambda e: (e.created_at, e.case_id)
    )
    claim = claim_beneficiaries(
        [(e.case_id, persons.get(e.id, frozenset())) for e in first_approved],
        {person: case_id for person, (case_id, _) in payers.items()},
    )
    kept = set(claim.kept)
    instructions = [
        _instruction(payroll_id, data.month, e) for e in entitlements if e.case_id in kept
    ]
    paid = await payrolls.add_instructions(instructions)
    refused = await payrolls.add_payment_persons(
        [
            NewPaymentPerson(
                payment_id=i.id, person_hash=person, programme=data.programme, month=data.month
            )
            for i in instructions
            if i.case_id in paid
            for person in sorted(persons.get(i.entitlement_id, ()))
        ]
    )
    if refused:  # a concurrent payroll paid one of their people first: the database said no
        await payrolls.remove_instructions(refused)
        lost = {i.case_id: i.entitlement_id for i in instructions if i.id in refused}
        paid -= set(lost)
        payers = await payrolls.payers_of_persons(
            person_hashes=set().union(*(persons[e] for e in lost.values())),
            programme=data.programme,
            month=data.month,
        )
        for case_id, entitlement_id in lost.items():
            claim.refused[case_id] = next(
                payers[p][0] for p in sorted(persons[entitlement_id]) if p in payers
            )
    payroll_of_case = {case_id: str(p) for case_id, p in payers.values()}
    skipped = [
        Skipped(
            case_id=e.case_id,
            reason="beneficiary_already_paid",
            payroll_id=payroll_of_case.get(claim.refused[e.case_id], str(payroll_id)),
            paid_case_id=claim.refused[e.case_id],
        )
        if e.case_id in claim.refused
        else Skipped(
            case_id=e.case_id, reason="already_in_payroll", payroll_id=taken.get(e.case_id)
        )
        for e in entitlements
        if e.case_id not in paid
    ]
    control = Totals.of(i.amount for i in instructions if i.case_id in paid)
    if control.count == 0:
        raise RuleViolation(
            f"Every payable case of {data.region_code} for {data.month} is already paid "
            "by another payroll or through another case.",
            code="nothing_to_pay",
            extra={"skipped": [s.model_dump() for s in skipped]},
        )
    await payrolls.set_control_totals(payroll_id, control=control, skipped_count=len(skipped))
    await events.add(
        PayrollLocked(
            payroll_id=str(payroll_id),
            region_code=data.region_code,
            month=data.month,
            programme=data.programme,
            control_count=control.count,
            control_total=control.total,
            locked_at=now,
        )
    )
    locked = await read_payroll(uow, payroll_id=str(payroll_id))
    return PayrollCreated(**locked.model_dump(), skipped=skipped)


def payroll_read(p: PayrollRecord, state: Outcome) -> PayrollRead:
    """The payroll with live counts and totals per status against its control totals."""
    return PayrollRead(
        payroll_id=str(p.id),
        region_code=p.region_code,
        programme=p.programme,
        month=p.month,
        status=p.status,
        control_count=p.control_count,
        control_total=p.control_total,
        settled_count=state.settled.count,
        settled_total=state.settled.total,
        failed_count=state.failed.count,
        failed_total=state.failed.total,
        pending_count=state.pending.count,
        pending_total=state.pending.total,
        reconciled=state.reconciles,
        skipped_count=p.skipped_count,
        send_attempts=p.send_attempts,
        next_attempt_at=p.next_attempt_at,
        last_error=p.last_error,
        created_by=p.created_by,
        locked_at=p.locked_at,
        submitted_at=p.submitted_at,
        completed_at=p.completed_at,
    )


async def read_payroll(uow: UnitOfWork, *, payroll_id: str) -> PayrollRead:
    """The payroll with live counts and totals per status against its control totals."""
    repo = PayrollRepository(uow.session)
    p = await repo.get(payroll_id)
    state = outcome(Totals(p.control_count, p.control_total), await repo.instruction_amounts(p.id))
    return payroll_read(p, state)
