"""Verified household figures and discrepancies (R-VE-02, rules §2-§3, R-IN-05).

Income counted (rules §2): wages after tax and personal insurance, pensions except the
centrally set basic pension of the urban-rural residents' scheme, and unemployment
benefit — of the living members only (a deceased person is no longer in the household).
Employment-cost deductions need the dibao standard, so ``benefits`` applies them.
Assets (rules §3) are counted for every member, deceased or not (the estate stays with
the household): deposits, motor vehicles other than exempt kinds, and real estate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from socialaid.core.money import round_yuan

ZERO = Decimal("0.00")

# Consent scope item → department queried with it (R-IN-05: no data without authorisation).
SCOPE_OF_DEPARTMENT = {
    "public_security": "registration",
    "hr": "income",
    "real_estate": "real_estate",
    "vehicles": "vehicles",
    "banks": "deposits",
}


def consent_problems(*, signed: bool, scope: Iterable[str], required: Iterable[str]) -> list[str]:
    """Reasons the consent does not allow querying departments; empty when it does (R-IN-05)."""
    if not signed:
        return ["consent_not_signed"]
    have = set(scope)
    return [f"consent_scope_missing:{item}" for item in required if item not in have]


@dataclass(frozen=True)
class MemberFacts:
    """What the departments reported about one household member."""

    member_id: str
    alive: bool = True
    deceased_on: dt.date | None = None
    registered_region: str | None = None
    wages: Decimal = ZERO
    pension: Decimal = ZERO
    pension_central_basic: Decimal = ZERO
    unemployment: Decimal = ZERO
    deposits: Decimal = ZERO
    vehicle_kinds: tuple[str, ...] = ()
    property_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberFigures:
    member_id: str
    alive: bool
    wages: Decimal
    pensions: Decimal
    pension_excluded: Decimal
    unemployment: Decimal
    countable_income: Decimal
    deposits: Decimal
    vehicles: int
    vehicles_exempt: int
    properties: int

    def as_json(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class HouseholdFigures:
    members: tuple[MemberFigures, ...]
    household_size: int
    deceased_members: int
    verified_monthly_income: Decimal
    income_by_source: dict[str, Decimal]
    excluded_income: dict[str, Decimal]
    financial_assets: Decimal
    vehicles: int
    properties: int

    def as_json(self) -> dict[str, Any]:
        return {
            "members": [m.as_json() for m in self.members],
            "household_size": self.household_size,
            "deceased_members": self.deceased_members,
            "verified_monthly_income": str(self.verified_monthly_income),
            "income_by_source": {k: str(v) for k, v in self.income_by_source.items()},
            "excluded_income": {k: str(v) for k, v in self.excluded_income.items()},
            "financial_assets": str(self.financial_assets),
            "vehicles": self.vehicles,
            "properties": self.properties,
        }


def member_figures(facts: MemberFacts, *, exempt_vehicle_kinds: Iterable[str]) -> MemberFigures:
    exempt = set(exempt_vehicle_kinds)
    counted_pension = max(ZERO, facts.pension - facts.pension_central_basic)
    living = facts.alive
    wages = round_yuan(facts.wages) if living else ZERO
    pensions = round_yuan(counted_pension) if living else ZERO
    unemployment = round_yuan(facts.unemployment) if living else ZERO
    exempt_count = sum(1 for k in facts.vehicle_kinds if k in exempt)
    return MemberFigures(
        member_id=facts.member_id,
        alive=living,
        wages=wages,
        pensions=pensions,
        pension_excluded=round_yuan(facts.pension_central_basic) if living else ZERO,
        unemployment=unemployment,
        countable_income=wages + pensions + unemployment,
        deposits=round_yuan(facts.deposits),
        vehicles=len(facts.vehicle_kinds) - exempt_count,
        vehicles_exempt=exempt_count,
        properties=len(facts.property_kinds),
    )


def compute_figures(
    facts: Sequence[MemberFacts], *, exempt_vehicle_kinds: Iterable[str]
) -> HouseholdFigures:
    """The household's verified monthly income and assets from the departments' facts."""
    exempt = tuple(exempt_vehicle_kinds)
    members = tuple(member_figures(f, exempt_vehicle_kinds=exempt) for f in facts)
    by_source = {
        "wages": sum((m.wages for m in members), ZERO),
        "pensions": sum((m.pensions for m in members), ZERO),
        "unemployment": sum((m.unemployment for m in members), ZERO),
    }
    return HouseholdFigures(
        members=members,
        household_size=sum(1 for m in members if m.alive),
        deceased_members=sum(1 for m in members if not m.alive),
        verified_monthly_income=round_yuan(sum(by_source.values(), ZERO)),
        income_by_source=by_source,
        excluded_income={"pension_central_basic": sum((m.pension_excluded for m in members), ZERO)},
        financial_assets=round_yuan(sum((m.deposits for m in members), ZERO)),
        vehicles=sum(m.vehicles for m in members),
        properties=sum(m.properties for m in members),
    )


@dataclass(frozen=True)
class Declaration:
    """What the household declared on the application."""

    monthly_income: Mapping[str, Decimal]  # member_id → declared monthly income
    financial_assets: Decimal = ZERO
    vehicles: int = 0
    properties: int = 0


@dataclass(frozen=True)
class Finding:
    item: str
    declared: str
    verified: str
    member_id: str | None = None


@dataclass(frozen=True)
class Tolerances:
    income: Decimal = ZERO
    assets: Decimal = ZERO


def find_discrepancies(
    declared: Declaration,
    figures: HouseholdFigures,
    *,
    deaths: Mapping[str, dt.date | None] | None = None,
    tolerances: Tolerances | None = None,
) -> list[Finding]:
    """Every difference between the declaration and the verified figures (R-VE-02)."""
    tolerances = tolerances or Tolerances()
    deaths = deaths or {}
    found: list[Finding] = []
    for m in figures.members:
        if not m.alive:
            died = deaths.get(m.member_id)
            found.append(
                Finding(
                    f"member_alive:{m.member_id}",
                    "alive",
                    f"deceased {died.isoformat()}" if died else "deceased",
                    m.member_id,
                )
            )
            continue
        said = round_yuan(declared.monthly_income.get(m.member_id, ZERO))
        if abs(said - m.countable_income) > tolerances.income:
            found.append(
                Finding(
                    f"monthly_income:{m.member_id}", str(said), str(m.countable_income), m.member_id
                )
            )
    living = {m.member_id for m in figures.members if m.alive}
    said_total = round_yuan(
        sum((v for k, v in declared.monthly_income.items() if k in living), ZERO)
    )
    if abs(said_total - figures.verified_monthly_income) > tolerances.income:
        found.append(
            Finding(
                "household_monthly_income", str(said_total), str(figures.verified_monthly_income)
            )
        )
    said_assets = round_yuan(declared.financial_assets)
    if abs(said_assets - figures.financial_assets) > tolerances.assets:
        found.append(Finding("financial_assets", str(said_assets), str(figures.financial_assets)))
    if declared.vehicles != figures.vehicles:
        found.append(Finding("vehicles", str(declared.vehicles), str(figures.vehicles)))
    if declared.properties != figures.properties:
        found.append(Finding("properties", str(declared.properties), str(figures.properties)))
    return found
