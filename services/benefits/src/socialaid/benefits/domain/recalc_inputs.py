"""What a recalculation reads of a household: the standard-independent dibao aggregates (stored
per entitlement) and the batch of arrays they become (R-CA-01). Pure; see ``recalc.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from socialaid.benefits.domain import dibao_params as P
from socialaid.benefits.domain.dibao_assets import EXEMPT_KINDS
from socialaid.benefits.domain.dibao_income import ADULT_AGE, NATIONAL_EXCLUDED
from socialaid.benefits.domain.household import Household

UNIT = 10**8  # integer units per yuan
ADDON_ILLNESS, ADDON_DISABILITY = 1, 2
# Numbered slot columns per household (migration 0006); more than this → engine_only.
SLOTS = {"member": 6, "earning": 3, "vehicle": 2, "obligor": 2}
# Income categories that may count (a city may still exclude any but wages): fixed order of the
# income_by_category column.
CATEGORIES: tuple[str, ...] = tuple(
    c for c in sorted(P.INCOME_CATEGORIES) if c not in NATIONAL_EXCLUDED and c != "support_paid"
)


def units(value: Decimal) -> int:
    """Decimal yuan → integer units; ValueError if it has more than 8 decimals."""
    scaled = value * UNIT
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 8 decimals")
    return int(scaled)


def ymd(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def _plus_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, month=3, day=1)


# ---------------------------------------------------------------- per household, once
@dataclass(frozen=True)
class Aggregates:
    """What the dibao rules read of a household, independent of every parameter value."""

    members: int
    income_by_category: tuple[Decimal, ...]  # counted members, per CATEGORIES
    support_paid: Decimal
    rigid_medical: Decimal  # rigid costs of ill or disabled members (deducted if the city allows)
    member_birth: tuple[dt.date, ...]  # counted members
    member_addon: tuple[int, ...]  # bit 1 serious illness, bit 2 severe disability
    earnings: tuple[Decimal, ...]  # wages of employed counted members (employment cost cap)
    financial_assets: Decimal
    vehicles_counted: int  # cars counted whatever the exempt value
    vehicle_values: tuple[Decimal, ...]  # certified cars: counted iff value > exempt value
    residential_properties: int
    non_residential_properties: int
    business_barrier: bool
    obligor_income: tuple[Decimal, ...]
    obligor_children: tuple[int, ...]
    obligor_split: tuple[int, ...]
    obligor_waived: tuple[bool, ...]
    waiver_from: dt.date | None  # from this day a jobless severely disabled adult is counted
    engine_only: bool

    def columns(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def fits(self) -> bool:
        """Whether the slot columns hold this household (otherwise it is engine-only)."""
        return (
            len(self.member_birth) <= SLOTS["member"]
            and len(self.earnings) <= SLOTS["earning"]
            and len(self.vehicle_values) <= SLOTS["vehicle"]
            and len(self.obligor_income) <= SLOTS["obligor"]
        )

    def row(self) -> dict[str, Any]:
        """The ``entitlement_facts`` aggregate columns (amounts in units of 1e-8 yuan)."""
        ok = self.fits() and not self.engine_only

        def u(v: Decimal) -> int:  # engine-only households may hold values the units cannot
            return units(v) if ok else int(v * UNIT)

        def slot(values: tuple[Any, ...], i: int, conv: Any = None) -> Any:
            if not ok or i >= len(values):
                return None
            return conv(values[i]) if conv else values[i]

        row: dict[str, Any] = {
            "members": self.members,
            **{f"inc_{c}": u(v) for c, v in zip(CATEGORIES, self.income_by_category, strict=True)},
            "support_paid": u(self.support_paid),
            "rigid_medical": u(self.rigid_medical),
            "financial_assets": u(self.financial_assets),
            "addon_bits": sum(
                (a & 3) << (2 * i) for i, a in enumerate(self.member_addon[: SLOTS["member"]])
            ),
            "vehicles_counted": self.vehicles_counted,
            "residential_properties": self.residential_properties,
            "non_residential_properties": self.non_residential_properties,
            "business_barrier": self.business_barrier,
            "waiver_from": self.waiver_from,
            "engine_only": not ok,
        }
        for i in range(SLOTS["member"]):
            row[f"birth_{i + 1}"] = slot(self.member_birth, i)
        for i in range(SLOTS["earning"]):
            row[f"earn_{i + 1}"] = slot(self.earnings, i, u)
        for i in range(SLOTS["vehicle"]):
            row[f"vehicle_value_{i + 1}"] = slot(self.vehicle_values, i, u)
        for i in range(SLOTS["obligor"]):
            row[f"obligor_income_{i + 1}"] = slot(self.obligor_income, i, u)
            row[f"obligor_children_{i + 1}"] = slot(self.obligor_children, i)
            row[f"obligor_split_{i + 1}"] = slot(self.obligor_split, i)
            row[f"obligor_waived_{i + 1}"] = slot(self.obligor_waived, i)
        return row


def aggregates(h: Household) -> Aggregates:
    counted = h.counted_members
    by_cat = dict.fromkeys(CATEGORIES, Decimal(0))
    for m in counted:
        for cat, v in m.incomes.items():
            if cat in by_cat:
                by_cat[cat] += v
    adults_from = [
        _plus_years(m.birth_date, ADULT_AGE)
        for m in counted
        if not m.employed and m.severe_disability
    ]
    a = h.assets
    kinds = [v for v in a.vehicles if v.kind not in EXEMPT_KINDS and not v.needed_for_livelihood]
    certified = [v for v in kinds if v.valuation_certified and v.value is not None]
    engine_only = (
        h.previous is not None
        or h.single_person_member_id is not None
        or any(m.job_refusals > 0 for m in counted)
    )
    agg = Aggregates(
        members=len(counted),
        income_by_category=tuple(by_cat[c] for c in CATEGORIES),
        support_paid=sum((m.incomes.get("support_paid", Decimal(0)) for m in counted), Decimal(0)),
        rigid_medical=sum(
            (
                m.rigid_medical_costs
                for m in counted
                if m.serious_illness or m.disability_grade is not None
            ),
            Decimal(0),
        ),
        member_birth=tuple(m.birth_date for m in counted),
        member_addon=tuple(
            (ADDON_ILLNESS if m.serious_illness else 0)
            | (ADDON_DISABILITY if m.severe_disability else 0)
            for m in counted
        ),
        earnings=tuple(m.incomes.get("wages", Decimal(0)) for m in counted if m.employed),
        financial_assets=a.financial,
        vehicles_counted=len(kinds) - len(certified),
        vehicle_values=tuple(v.value for v in certified if v.value is not None),
        residential_properties=a.residential_properties,
        non_residential_properties=a.non_residential_properties,
        business_barrier=a.registered_business and not a.business_waiver,
        obligor_income=tuple(o.household_per_capita_income for o in h.obligors),
        obligor_children=tuple(o.children_count for o in h.obligors),
        obligor_split=tuple(o.persons_supported for o in h.obligors),
        obligor_waived=tuple(o.waived for o in h.obligors),
        waiver_from=min(adults_from) if adults_from else None,
        engine_only=engine_only,
    )
    try:  # values the integer path cannot hold exactly go to the engine
        if any(v != v.quantize(Decimal("0.01")) for v in agg.obligor_income):
            raise ValueError("obligor income in fractions of a fen")
        for v in (*agg.income_by_category, agg.support_paid, agg.rigid_medical, *agg.earnings,
                  agg.financial_assets, *agg.vehicle_values, *agg.obligor_income):  # fmt: skip
            units(v)
    except ValueError:
        return Aggregates(**{**agg.columns(), "engine_only": True})
    return agg


# ---------------------------------------------------------------- the batch
@dataclass
class Batch:
    """Households as arrays (H rows) plus member-, earning-, vehicle- and obligor-level rows
    that point at their household by position (``*_hh``)."""

    group: np.ndarray  # int: index into the list of GroupParams
    members: np.ndarray
    income_cat: np.ndarray  # [H, len(CATEGORIES)] units
    support_paid: np.ndarray
    rigid_medical: np.ndarray
    financial: np.ndarray
    vehicles_counted: np.ndarray
    residential: np.ndarray
    non_residential: np.ndarray
    business: np.ndarray  # bool
    waiver_from: np.ndarray  # yyyymmdd, 99999999 = never
    m_hh: np.ndarray
    m_birth: np.ndarray  # yyyymmdd
    m_addon: np.ndarray
    e_hh: np.ndarray
    e_val: np.ndarray
    v_hh: np.ndarray
    v_val: np.ndarray
    o_hh: np.ndarray
    o_income: np.ndarray  # units
    o_children: np.ndarray
    o_split: np.ndarray
    o_waived: np.ndarray  # bool


def batch_from_aggregates(aggs: list[Aggregates], group: list[int]) -> Batch:
    """The in-memory batch of a few households (tests; the service reads batches with COPY)."""

    def rows(attr: str) -> tuple[np.ndarray, list[Any]]:
        hh, vals = [], []
        for i, a in enumerate(aggs):
            for v in getattr(a, attr):
                hh.append(i)
                vals.append(v)
        return np.array(hh, dtype=np.int64), vals

    def arr(values: list[Any]) -> np.ndarray:
        return np.array(values, dtype=np.int64)

    m_hh, births = rows("member_birth")
    _, addons_ = rows("member_addon")
    e_hh, earn = rows("earnings")
    v_hh, vals = rows("vehicle_values")
    o_hh, o_inc = rows("obligor_income")
    return Batch(
        group=arr(group),
        members=arr([a.members for a in aggs]),
        income_cat=np.array(
            [[units(v) for v in a.income_by_category] for a in aggs], dtype=np.int64
        ).reshape(len(aggs), len(CATEGORIES)),
        support_paid=arr([units(a.support_paid) for a in aggs]),
        rigid_medical=arr([units(a.rigid_medical) for a in aggs]),
        financial=arr([units(a.financial_assets) for a in aggs]),
        vehicles_counted=arr([a.vehicles_counted for a in aggs]),
        residential=arr([a.residential_properties for a in aggs]),
        non_residential=arr([a.non_residential_properties for a in aggs]),
        business=np.array([a.business_barrier for a in aggs], dtype=bool),
        waiver_from=arr([ymd(a.waiver_from) if a.waiver_from else 99999999 for a in aggs]),
        m_hh=m_hh,
        m_birth=arr([ymd(b) for b in births]),
        m_addon=arr(addons_),
        e_hh=e_hh,
        e_val=arr([units(v) for v in earn]),
        v_hh=v_hh,
        v_val=arr([units(v) for v in vals]),
        o_hh=o_hh,
        o_income=arr([units(v) for v in o_inc]),
        o_children=arr([c for a in aggs for c in a.obligor_children]),
        o_split=arr([c for a in aggs for c in a.obligor_split]),
        o_waived=np.array([w for a in aggs for w in a.obligor_waived], dtype=bool),
    )
