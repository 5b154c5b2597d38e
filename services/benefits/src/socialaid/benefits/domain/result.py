"""What every programme's rules answer (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from socialaid.benefits.domain.parameters import ParameterSet, ParameterUsed
from socialaid.benefits.domain.trace import Trace

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

ApprovalLevel = Literal["township", "county"]
ReviewFrequency = Literal["monthly", "quarterly", "semiannual", "annual"]

# Flags an assessment may raise besides eligibility (issue: edge household, rigid expenditure, …).
FLAGS = frozenset(
    {
        "EDGE_HOUSEHOLD",  # 低保边缘家庭
        "RIGID_EXPENDITURE",  # 刚性支出困难家庭
        "SINGLE_PERSON",  # 单人户: one member assessed alone
        "TAPERING",  # 渐退: previous amount continues after income rose from work
        "FIRST_BUSINESS_QUARTER",  # dibao kept one quarter after a first business registration
        "AID_FIRST",  # 先行救助: pay first, document after
    }
)


class MissingParameters(Exception):
    """No version of these keys is in force for the region and date (as known at the moment)."""

    def __init__(self, keys: list[str]):
        super().__init__(", ".join(keys))
        self.keys = keys


class UnsupportedProgramme(Exception):
    pass


class InvalidHousehold(ValueError):
    """The household cannot be assessed as given (no members, negative income, missing facts)."""


def round_half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def require(params: ParameterSet, keys: tuple[str, ...]) -> None:
    missing = [k for k in keys if k not in params]
    if missing:
        raise MissingParameters(missing)


@dataclass(frozen=True)
class Assessment:
    programme: str
    eligible: bool
    amount: Decimal  # monthly for dibao, tekun, price_subsidy; one-off for the other programmes
    reason_codes: tuple[str, ...]
    parameters: tuple[ParameterUsed, ...]
    trace: Trace = field(compare=False)
    rule_set_version: str = ""
    flags: frozenset[str] = frozenset()
    approval_level: ApprovalLevel | None = None
    review_frequency: ReviewFrequency | None = None
    # Named components of the amount (base, add-ons, items …) and key figures (standard,
    # per-capita income, household size …) for the answer and the trace.
    breakdown: dict[str, Decimal] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("an amount is never negative")
        unknown = self.flags - FLAGS
        if unknown:
            raise ValueError(f"unknown flags {sorted(unknown)}")
