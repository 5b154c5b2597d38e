"""One person, one open case per monthly programme (R-PA-03: pay only once, never twice).

A person in the roster of an open dibao or tekun case cannot be in the roster of a second
open case of the same programme: the same household posted twice would otherwise become two
approvable cases, both paid. The person is recognised by the keyed hash of the ID number
(``household_member.id_number_hash``), never by the number in clear. A case stops holding
its people when it closes (rejected; later, exited).
"""

from __future__ import annotations

from socialaid.intake.domain.status import CaseStatus

MONTHLY_PROGRAMMES = frozenset({"dibao", "tekun"})
"""Programmes paid every month to an enrolled household: one open case per person."""

CLOSED_STATUSES = frozenset({CaseStatus.REJECTED})
"""Statuses in which a case no longer holds its people."""


def holds_people(programme: str, status: CaseStatus) -> bool:
    return programme in MONTHLY_PROGRAMMES and status not in CLOSED_STATUSES
