"""Referrals to departments with working-day deadlines, their reports and escalation (R-RF-01, R-RF-06)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import ReferralCompleted, ReferralCreated
from socialaid.core.errors import Conflict, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.events.outbox import add_event
from socialaid.referral.domain.calendar import CHINA_TZ, WorkingCalendar, deadline
from socialaid.referral.domain.referral import REPORTABLE, ReferralStatus
from socialaid.referral.repository import DepartmentRepository, ReferralRepository
from socialaid.referral.schemas import ReferralCreate, ReferralRead, ReportCreate
from socialaid.referral.use_cases.deliveries import queue_delivery

SOURCE = "/socialaid/referral"
SYSTEM = "system"


async def load_calendar(uow: UnitOfWork) -> WorkingCalendar:
    rows = await DepartmentRepository(uow.session).list_holidays()
    return WorkingCalendar.from_entries((r["day"], r["kind"]) for r in rows)


async def _view(
    repo: ReferralRepository, row: RowMapping, *, history: bool = True
) -> dict[str, Any]:
    changes = await repo.list_history(row["id"]) if history else []
    return ReferralRead(
        referral_id=str(row["id"]),
        case_id=row["case_id"],
        department_code=row["department_code"],
        reason=row["reason"],
        status=row["status"],
        due_in_working_days=row["due_in_working_days"],
        due_on=row["due_on"],
        due_at=row["due_at"].astimezone(CHINA_TZ),
        escalated_at=row["escalated_at"],
        outcome=row["outcome"],
        assistance_given=row["assistance_given"],
        amount=row["amount"],
        reported_by=row["reported_by"],
        reported_at=row["reported_at"],
        created_at=row["created_at"],
        history=[
            {
                "from_status": h["from_status"],
                "to_status": h["to_status"],
                "actor": h["actor"],
                "note": h["note"],
                "at": h["at"],
            }
            for h in changes
        ],
    ).model_dump(mode="json")


async def create_referral(
    uow: UnitOfWork, *, data: ReferralCreate, now: dt.datetime | None = None
) -> dict[str, Any]:
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
    row = await repo.add(
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
    await repo.add_history(
        referral_id=row["id"],
        from_status=None,
        to_status=ReferralStatus.OPEN.value,
        actor=data.referred_by,
        note=f"due {due_on} ({data.due_in_working_days} working days)",
    )
    env = await add_event(
        uow.session,
        ReferralCreated(
            referral_id=str(row["id"]),
            case_id=data.case_id,
            department_code=data.department_code,
            reason=data.reason,
            due_at=due_at,
            created_at=now,
        ),
        source=SOURCE,
    )
    await queue_delivery(uow, department_code=data.department_code, env=env)
    return await _view(repo, row)


def _same_report(row: RowMapping, data: ReportCreate) -> bool:
    return (row["outcome"], row["assistance_given"], row["amount"], row["reported_by"]) == (
        data.outcome,
        data.assistance_given,
        data.amount,
        data.reported_by,
    )


async def report_referral(
    uow: UnitOfWork, *, referral_id: str, data: ReportCreate
) -> dict[str, Any]:
    """The department reports what it did → completed + ``ReferralCompleted`` (R-RF-01, R-RF-02).

    Reporting the same result again answers the stored state; a different result is a 409.
    """
    repo = ReferralRepository(uow.session)
    row = await repo.get(referral_id, for_update=True)
    if row["status"] == ReferralStatus.COMPLETED.value:
        if _same_report(row, data):
            return await _view(repo, row)
        raise Conflict(
            "This referral was already reported with a different result.",
            code="referral_already_reported",
        )
    if (
        ReferralStatus(row["status"]) not in REPORTABLE
    ):  # pragma: no cover - every other state is reportable
        raise Conflict(
            f"A {row['status']} referral cannot be reported.", code="invalid_referral_transition"
        )
    now = dt.datetime.now(dt.UTC)
    amount = None if data.amount is None else round_yuan(data.amount)
    updated = await repo.update(
        row["id"],
        status=ReferralStatus.COMPLETED.value,
        outcome=data.outcome,
        assistance_given=data.assistance_given,
        amount=amount,
        reported_by=data.reported_by,
        reported_at=now,
    )
    late = " (after the deadline)" if row["status"] == ReferralStatus.OVERDUE.value else ""
    await repo.add_history(
        referral_id=row["id"],
        from_status=row["status"],
        to_status=ReferralStatus.COMPLETED.value,
        actor=data.reported_by,
        note=f"outcome={data.outcome}{late}",
    )
    await add_event(
        uow.session,
        ReferralCompleted(
            referral_id=str(row["id"]),
            case_id=row["case_id"],
            department_code=row["department_code"],
            outcome=data.outcome,
            assistance_given=data.assistance_given,
            amount=amount,
            reported_at=now,
        ),
        source=SOURCE,
    )
    return await _view(repo, updated)


async def escalate_overdue(uow: UnitOfWork, *, now: dt.datetime | None = None) -> list[str]:
    """Mark open referrals past their deadline overdue and record the escalation (R-RF-06)."""
    now = now or dt.datetime.now(dt.UTC)
    repo = ReferralRepository(uow.session)
    rows = await repo.mark_overdue(now=now)
    for r in rows:
        await repo.add_history(
            referral_id=r["id"],
            from_status=ReferralStatus.OPEN.value,
            to_status=ReferralStatus.OVERDUE.value,
            actor=SYSTEM,
            note=f"no report from {r['department_code']} by {r['due_at'].isoformat()}; escalated",
        )
    return [str(r["id"]) for r in rows]


async def read_referral(uow: UnitOfWork, *, referral_id: str) -> dict[str, Any]:
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
) -> list[dict[str, Any]]:
    repo = ReferralRepository(uow.session)
    rows = await repo.list(
        department_code=department_code,
        status=status.value if status else None,
        case_id=case_id,
        limit=limit,
        offset=offset,
    )
    return [await _view(repo, r, history=False) for r in rows]
