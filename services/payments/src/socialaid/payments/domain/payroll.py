"""Payroll control totals and their reconciliation with the bank's results (R-PA-01, R-PA-04)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from socialaid.core.money import round_yuan

ZERO = Decimal("0.00")


PayrollState = Literal["locked", "submitted", "completed"]
PaymentState = Literal["pending", "settled", "failed"]


class PayrollStatus:
    LOCKED: Final = "locked"
    SUBMITTED: Final = "submitted"
    COMPLETED: Final = "completed"


class PaymentStatus:
    PENDING: Final = "pending"
    SETTLED: Final = "settled"
    FAILED: Final = "failed"


@dataclass(frozen=True)
class Totals:
    count: int
    total: Decimal

    @classmethod
    def of(cls, amounts: Iterable[Decimal]) -> Totals:
        values = [Decimal(a) for a in amounts]
        return cls(len(values), round_yuan(sum(values, ZERO)))

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.count + other.count, round_yuan(self.total + other.total))


@dataclass(frozen=True)
class Outcome:
    """Where a payroll stands against its control totals."""

    control: Totals
    settled: Totals
    failed: Totals
    pending: Totals

    @property
    def complete(self) -> bool:
        return self.pending.count == 0

    @property
    def reconciles(self) -> bool:
        """Settled + failed + pending equals the control count and total, to the fen."""
        return self.settled + self.failed + self.pending == self.control


def outcome(control: Totals, rows: Iterable[tuple[str, Decimal]]) -> Outcome:
    """Group ``(status, amount)`` rows of a payroll's instructions against its control totals."""
    by: dict[str, list[Decimal]] = {
        PaymentStatus.SETTLED: [],
        PaymentStatus.FAILED: [],
        PaymentStatus.PENDING: [],
    }
    for status, amount in rows:
        by[status].append(amount)
    return Outcome(
        control=control,
        settled=Totals.of(by[PaymentStatus.SETTLED]),
        failed=Totals.of(by[PaymentStatus.FAILED]),
        pending=Totals.of(by[PaymentStatus.PENDING]),
    )


@dataclass(frozen=True)
class Claim:
    """Which cases a payroll pays once each person is paid at most once per programme and month."""

    kept: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    """Case id → the case that already pays one of its beneficiaries."""


def claim_beneficiaries(
    cases: Sequence[tuple[str, frozenset[str]]], held: Mapping[str, str]
) -> Claim:
    """Give each person to the first case, in order, that pays for them.

    ``cases`` are ``(case id, beneficiary hashes)`` in priority order; ``held`` maps a person hash
    to the case whose instruction already pays them for the programme and month. A case any of
    whose beneficiaries is already paid by another case is refused; a case without beneficiaries
    (from an older event) claims nobody and is kept.
    """
    owner = dict(held)
    claim = Claim()
    for case_id, persons in cases:
        clash = next((owner[p] for p in sorted(persons) if owner.get(p, case_id) != case_id), None)
        if clash is not None:
            claim.refused[case_id] = clash
            continue
        claim.kept.append(case_id)
        owner.update(dict.fromkeys(persons, case_id))
    return claim


def backoff_seconds(attempts: int, *, base: float, maximum: float) -> float:
    """Exponential back-off after ``attempts`` failed sends (1 → base, 2 → 2·base, …), capped."""
    return float(min(base * 2 ** max(attempts - 1, 0), maximum))
