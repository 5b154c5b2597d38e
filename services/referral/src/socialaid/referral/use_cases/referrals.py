"""Referrals to departments with working-day deadlines, their reports and escalation (R-RF-01, R-RF-06)."""

from __future__ import annotations

import datetime as dt

from socialaid.contracts.events import ReferralCompleted, ReferralCreated
from socialaid.core.errors import Conflict, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.db import Database, UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink
from socialaid.referral.domain.calendar import CHINA_TZ, deadline
from socialaid.referral.domain.records import NewReferral, ReferralRecord, ReferralReport
from socialaid.referral.domain.referral import REPORTABLE, ReferralStatus
from socialaid.referral.repository import DepartmentRepository, ReferralRepository
from socialaid.referral.schemas import ReferralCreate, ReferralRead, ReportCreate, StatusChange
from socialaid.referral.use_cases.deliveries import queue_delivery
from socialaid.referral.use_cases.holidays import load_calendar

SOURCE = "/socialaid/referral"
SYSTEM = "system"


async def _view(
    repo: ReferralRepository, r: ReferralRecord, *, history: bool = True
) -> ReferralRead:
    changes = await repo.list_history(r.id) if history else []
    return ReferralRead(
        referral_id=str(r.id),
        case_id=r.case_id,
        department_code=r.department_code,
        reason=r.reason,
        status=ReferralStatus(r.status),
        due_in_working_days=r.due_in_working_days,
        due_on=r.due_on,
        due_at=r.due_at.astimezone(CHINA_TZ),
        escalated_at=r.escalated_at,
        outcome=r.outcome,
        assistance_given=r.assistance_given,
        amount=r.amount,
        reported_by=r.reported_by,
        reported_at=r.reported_at,
        created_at=r.created_at,
        history=[
            StatusChange(
                from_status=h.from_status,
                to_status=h.to_status,
                actor=h.actor,
                note=h.note,
                at=h.at,
            )
            for h in changes
        ],
    )


async def create_referral(
    uow: UnitOfWork,
    *,
    data: ReferralCreate,
    now: dt.datetime | None = None,
    sink: EventSink | None = None,
) -> ReferralRead:
    """Forward a case to a department with a deadline in working days → ``ReferralCreated``.

    The referred department also gets the referral as a delivery (pushed or pulled).
    """
    if not await DepartmentRepository(uow.session).exists(data.department_code):
        raise RuleViolation(
            f"No department {data.department_code} is registered.", code="unknown_department"
        )
    now = now or dt.datetime.now(dt.UTC)
    due_on, due_at = deadline(await load_calendar(uow), now, data.due_in_working_days)
    repo = ReferralRepository(uow.session)
    created = await repo.add(
        NewReferral(
            id=uuid7(),
            case_id=data.case_id,
            department_code=data.department_code,
            reason=data.reason,
            status=ReferralStatus.OPEN.value,
            due_in_working_days=data.due_in_working_days,
            due_on=due_on,
            due_at=due_at,
            created_at=now,
        )
    )
    await repo.add_history(
        referral_id=created.id,
        from_status=None,
        to_status=ReferralStatus.OPEN.value,
        actor=data.referred_by,
        note=f"due {due_on} ({data.due_in_working_days} working days)",
    )
    # The delivery to the referred department carries this event's envelope (id, time).
    events = sink or OutboxSink(uow.session, source=SOURCE)
    env = await events.add(
        ReferralCreated(
            referral_id=str(created.id),
            case_id=data.case_id,
            department_code=data.department_code,
            reason=data.reason,
            due_at=due_at,
            created_at=now,
        )
    )
    await queue_delivery(uow, department_code=data.department_code, env=env)
    return await _view(repo, created)


def _same_report(r: ReferralRecord, data: ReportCreate) -> bool:
    return (r.outcome, r.assistance_given, r.amount, r.reported_by) == (
        data.outcome,
        data.assistance_given,
        data.amount,
        data.reported_by,
    )


async def report_referral(
    uow: UnitOfWork, *, referral_id: str, data: ReportCreate, sink: EventSink | None = None
) -> ReferralRead:
    """The department reports what it did → completed + ``ReferralCompleted`` (R-RF-01, R-RF-02).

    Reporting the same result again answers the stored state; a different result is a 409.
    """
    repo = ReferralRepository(uow.session)
    events = sink or OutboxSink(uow.session, source=SOURCE)
    current = await repo.get(referral_id, for_update=True)
    if current.status == ReferralStatus.COMPLETED.value:
        if _same_report(current, data):
            return await _view(repo, current)
        raise Conflict(
            "This referral was already reported with a different result.",
            code="referral_already_reported",
        )
    if (
        ReferralStatus(current.status) not in REPORTABLE
    ):  # pragma: no cover - every other state is reportable
        raise Conflict(
            f"A {current.status} referral cannot be reported.", code="invalid_referral_transition"
        )
    now = dt.datetime.now(dt.UTC)
    amount = None if data.amount is None else round_yuan(data.amount)
    updated = await repo.complete(
        current.id,
        ReferralReport(
            outcome=data.outcome,
            assistance_given=data.assistance_given,
            amount=amount,
            reported_by=data.reported_by,
            reported_at=now,
        ),
        status=ReferralStatus.COMPLETED.value,
    )
    late = " (after the deadline)" if current.status == ReferralStatus.OVERDUE.value else ""
    await repo.add_history(
        referral_id=current.id,
        from_status=current.status,
        to_status=ReferralStatus.COMPLETED.value,
        actor=data.reported_by,
        note=f"outcome={data.outcome}{late}",
    )
    await events.add(
        ReferralCompleted(
            referral_id=str(current.id),
            case_id=current.case_id,
            department_code=current.department_code,
            outcome=data.outcome,
            assistance_given=data.assistance_given,
            amount=amount,
            reported_at=now,
        )
    )
    return await _view(repo, updated)


async def escalate_overdue(uow: UnitOfWork, *, now: dt.datetime | None = None) -> list[str]:
    """Mark open referrals past their deadline overdue and record the escalation (R-RF-06)."""
    now = now or dt.datetime.now(dt.UTC)
    repo = ReferralRepository(uow.session)
    overdue = await repo.mark_overdue(now=now)
    for r in overdue:
        await repo.add_history(
            referral_id=r.id,
            from_status=ReferralStatus.OPEN.value,
            to_status=ReferralStatus.OVERDUE.value,
            actor=SYSTEM,
            note=f"no report from {r.department_code} by {r.due_at.isoformat()}; escalated",
        )
    return [str(r.id) for r in overdue]


async def escalate_overdue_pass(db: Database) -> list[str]:
    """One pass of the overdue job, in its own transaction (R-RF-06)."""
    async with db.uow() as uow:
        marked = await escalate_overdue(uow)
        await uow.commit()
    return marked


async def read_referral(uow: UnitOfWork, *, referral_id: str) -> ReferralRead:
    repo = ReferralRepository(uow.session)
    return await _view(repo, await repo.get(referral_id))


async def list_referrals(
    uow: UnitOfWork,
    *,
    department_code: str | None,
    status: ReferralStatus | None,
    case_id: str | None,
    limit: int,
    offset: int,
) -> list[ReferralRead]:
    repo = ReferralRepository(uow.session)
    rows = await repo.list_referrals(
        department_code=department_code,
        status=status.value if status else None,
        case_id=case_id,
        limit=limit,
        offset=offset,
    )
    return [await _view(repo, r, history=False) for r in rows]
