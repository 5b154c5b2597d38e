"""Which departments receive an event: subscription matching (pure logic, R-RF-05).

A subscription names event types, regions and optionally programmes. A region
matches itself and every division below it (a city subscription sees its
counties; ``000000`` sees the whole country).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from socialaid.contracts.events import (
    CaseAccepted,
    CaseApproved,
    CaseAssessed,
    CaseEnrolled,
    CaseRejected,
    CaseSubmitted,
    ReferralCompleted,
)
from socialaid.core.regions import lineage

CASE_EVENTS = (CaseSubmitted, CaseAccepted, CaseAssessed, CaseApproved, CaseRejected, CaseEnrolled)
FANOUT_EVENTS = (*CASE_EVENTS, ReferralCompleted)
FANOUT_TYPES = frozenset(c.TYPE for c in FANOUT_EVENTS)


@dataclass(frozen=True)
class SubscriptionRule:
    department_code: str
    event_types: frozenset[str]
    region_codes: frozenset[str]
    programmes: frozenset[str] | None = None  # None: every programme


def matches(
    rule: SubscriptionRule, *, event_type: str, region_code: str | None, programme: str | None
) -> bool:
    if event_type not in rule.event_types:
        return False
    regions = lineage(region_code) if region_code else lineage("")
    if not rule.region_codes.intersection(regions):
        return False
    return rule.programmes is None or (programme is not None and programme in rule.programmes)


def matching_departments(
    rules: Iterable[SubscriptionRule],
    *,
    event_type: str,
    region_code: str | None,
    programme: str | None,
) -> list[str]:
    """Departments with at least one matching subscription, each once, sorted."""
    return sorted(
        {
            r.department_code
            for r in rules
            if matches(r, event_type=event_type, region_code=region_code, programme=programme)
        }
    )
