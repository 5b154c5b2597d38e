"""Vectorised dibao recalculation (R-CA-01): the gap/tier rules of ``dibao`` over arrays.

A household is reduced once, when its entitlement is created, to the *standard-independent*
aggregates the dibao rules read (:func:`aggregates`); a recalculation then evaluates the rules for
every household at once with integer numpy arithmetic in units of 1e-8 yuan, which is exact for
every value the catalogue allows (money ≤ 2 decimals, rates ≤ 6 decimals). The only division of
the rules (imputed support ÷ persons supported) is done exactly with fractions for the few
households where it does not divide evenly. Households with facts this path does not model
(previous award / tapering, first business, refused jobs, single-person assessment) carry
``engine_only`` and are assessed one by one by ``engine.assess`` instead.

The result equals ``engine.assess("dibao", household, params).amount`` to the fen
(tests/unit/test_recalc_vectorised.py checks this on random households).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from socialaid.benefits.domain import dibao_params as P
from socialaid.benefits.domain.dibao_income import ADULT_AGE
from socialaid.benefits.domain.parameters import ParameterSet
from socialaid.benefits.domain.recalc_inputs import (
    ADDON_DISABILITY,
    ADDON_ILLNESS,
    CATEGORIES,
    Aggregates,
    Batch,
    aggregates,
    batch_from_aggregates,
    units,
)

__all__ = [
    "CATEGORIES",
    "Aggregates",
    "Batch",
    "GroupParams",
    "aggregates",
    "batch_from_aggregates",
    "compute",
    "group_params",
]
REQUIRED = ("dibao.standard", "dibao.fin_assets_months", "dibao.vehicle_exempt_value",
            "dibao.max_properties", "dibao.employment_cost_rate")  # fmt: skip


# ---------------------------------------------------------------- parameters of one group
@dataclass(frozen=True)
class GroupParams:
    """The parameter values of one (region, month) group, as integers."""

    first_day: int  # yyyymmdd
    std: int  # units
    std_fen: int
    fin_months: int
    vehicle_exempt: int
    max_properties: int
    emp_rate: int  # × 1e6
    excluded: tuple[bool, ...]  # per CATEGORIES
    deduct_rigid: bool
    support_le2: int | None  # × 1e6
    support_ge3: int | None
    addon: tuple[int, ...] | None  # × 1e6 per P.ADDON_CATEGORIES
    elderly_age: int
    floor: int  # units per person
    tiers: tuple[tuple[int | None, int], ...] | None  # (bound units or None, amount units)


def _e6(value: Decimal) -> int:
    scaled = value * 10**6
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 6 decimals")
    return int(scaled)


def group_params(params: ParameterSet, month: str) -> GroupParams | None:
    """None when a key the rules require is not in force (the group cannot be recalculated)."""
    if any(k not in params for k in REQUIRED):
        return None
    std = params["dibao.standard"].decimal
    excl_p = params.get("income.excluded_categories")
    local = frozenset(excl_p.value) if excl_p is not None else frozenset()
    le2, ge3 = params.get("support.rate_le2_children"), params.get("support.rate_ge3_children")
    rates = params.get("dibao.addon_rates")
    age = params.get("dibao.addon_elderly_age")
    if rates is not None and age is None:
        return None
    floor = params.get("dibao.min_per_capita")
    tiers = None
    if P.method(params) == "tiers":
        if "dibao.tiers" not in params:
            return None
        tiers = tuple(
            (None if b is None else units(b), units(a))
            for _, b, a in P.tiers(params["dibao.tiers"])
        )
    year, mon = month.split("-")
    return GroupParams(
        first_day=int(year) * 10000 + int(mon) * 100 + 1,
        std=units(std),
        std_fen=int(std * 100),
        fin_months=int(params["dibao.fin_assets_months"].decimal),
        vehicle_exempt=units(params["dibao.vehicle_exempt_value"].decimal),
        max_properties=int(params["dibao.max_properties"].decimal),
        emp_rate=_e6(params["dibao.employment_cost_rate"].decimal),
        excluded=tuple(c in local for c in CATEGORIES),
        deduct_rigid=P.flag(params, "income.deduct_rigid_medical"),
        support_le2=None if le2 is None else _e6(le2.decimal),
        support_ge3=None if ge3 is None else _e6(ge3.decimal),
        addon=None
        if rates is None
        else tuple(_e6(P.addon_rates(rates)[c]) for c in P.ADDON_CATEGORIES),
        elderly_age=int(age.decimal) if age is not None else 0,
        floor=0 if floor is None else units(floor.decimal),
        tiers=tiers,
    )


def _gather(groups: list[GroupParams | None], name: str, default: int = 0) -> np.ndarray:
    return np.array(
        [default if g is None or getattr(g, name) is None else getattr(g, name) for g in groups],
        dtype=np.int64,
    )


def compute(
    b: Batch, groups: list[GroupParams | None], details: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Monthly amounts in fen (int64) and a mask of the households that could be computed.

    ``details`` (if given) receives the countable income (units) and eligibility per household.
    """
    H = len(b.members)
    g = b.group
    ok = np.array([x is not None for x in groups], dtype=bool)[g] if H else np.zeros(0, bool)
    std = _gather(groups, "std")[g]
    std_fen = _gather(groups, "std_fen")[g]
    n = b.members.astype(np.int64)
    # countable income
    excl = np.array(
        [x.excluded if x is not None else (False,) * len(CATEGORIES) for x in groups], dtype=bool
    ).reshape(len(groups), len(CATEGORIES))
    income = np.where(excl[g], 0, b.income_cat).sum(axis=1) - b.support_paid
    income -= np.where(_gather(groups, "deduct_rigid")[g] == 1, b.rigid_medical, 0)
    if len(b.e_hh):
        cap = (_gather(groups, "emp_rate") * _gather(groups, "std_fen"))[g[b.e_hh]]
        income -= _sum_int(b.e_hh, np.minimum(cap, b.e_val), H)
    inexact = np.zeros(H, dtype=bool)
    support_frac: dict[int, Fraction] = {}
    if len(b.o_hh):
        og = g[b.o_hh]
        first = _gather(groups, "first_day")[og]
        skip = b.o_waived & (b.waiver_from[b.o_hh] <= first)
        rate = np.where(
            b.o_children <= 2, _gather(groups, "support_le2", -1)[og],
            _gather(groups, "support_ge3", -1)[og],
        )  # fmt: skip
        ok[b.o_hh[(~skip) & (rate < 0)]] = False  # support rates missing: not computable
        excess_fen = np.maximum(0, b.o_income - std[b.o_hh]) // 10**6
        num = np.where(skip, 0, excess_fen * np.maximum(rate, 0))  # units × split
        split = b.o_split.astype(np.int64)
        even = num % split == 0
        income += _sum_int(b.o_hh, np.where(even, num // split, 0), H)
        for i in np.nonzero(~even)[0]:
            h = int(b.o_hh[i])
            inexact[h] = True
            support_frac[h] = support_frac.get(h, Fraction(0)) + Fraction(
                int(num[i]), int(split[i])
            )
    raw_income = income
    income = np.maximum(income, 0)
    # eligibility: strict income < standard × n, assets within limits
    threshold = std * n
    veh = b.vehicles_counted.astype(np.int64)
    if len(b.v_hh):
        exempt = _gather(groups, "vehicle_exempt")[g[b.v_hh]]
        veh = veh + _sum_int(b.v_hh, (b.v_val > exempt).astype(np.int64), H)
    assets_ok = (
        (b.financial <= _gather(groups, "fin_months")[g] * threshold)
        & (veh == 0)
        & (b.residential <= _gather(groups, "max_properties")[g])
        & (b.non_residential == 0)
        & ~b.business
    )
    # base amount: gap or tiers, then the per-capita floor
    base = threshold - income
    no_tier = np.zeros(H, dtype=bool)
    for gi, gp in enumerate(groups):
        if gp is None or gp.tiers is None:
            continue
        sel = g == gi
        amount = np.full(H, -1, dtype=np.int64)
        for bound, per_person in reversed(gp.tiers):  # first matching tier wins
            hit = sel if bound is None else sel & (income < bound * n)
            amount = np.where(hit, per_person * n, amount)
        base = np.where(sel, amount, base)
        no_tier |= sel & (amount < 0)
    base = np.maximum(base, _gather(groups, "floor")[g] * n)
    # add-ons: per counted member, the highest category's rate × standard
    addon = np.zeros(H, dtype=np.int64)
    if len(b.m_hh):
        mg = g[b.m_hh]
        first = _gather(groups, "first_day")[mg]
        age = _gather(groups, "elderly_age")[mg]
        has_rates = np.array([x is not None and x.addon is not None for x in groups])[mg]
        applies = [
            (b.m_addon & ADDON_ILLNESS) > 0,
            (b.m_addon & ADDON_DISABILITY) > 0,
            b.m_birth <= first - age * 10000,
            b.m_birth > first - ADULT_AGE * 10000,
        ]
        rates = np.array(
            [x.addon if x is not None and x.addon is not None else (0,) * 4 for x in groups],
            dtype=np.int64,
        ).reshape(len(groups), 4)[mg]
        best = np.zeros(len(b.m_hh), dtype=np.int64)
        for k in range(4):  # ties go to the first listed: only a strictly higher rate replaces
            best = np.where(applies[k] & (rates[:, k] > best), rates[:, k], best)
        per_member = np.where(has_rates, best * std_fen[b.m_hh], 0)
        addon = _sum_int(b.m_hh, per_member, H)
    total = base + addon
    fen = (total + 500_000) // 1_000_000  # HALF_UP to the fen (totals are positive when paid)
    eligible = (n > 0) & (income < threshold) & assets_ok & ~no_tier
    if inexact.any():
        limit = _gather(groups, "floor")[g] * n
        for x in np.nonzero(inexact & ok)[0]:
            fen[x], eligible[x] = _exact(
                groups[int(g[x])], int(n[x]), int(raw_income[x]) + support_frac[int(x)],
                bool(assets_ok[x]), int(limit[x]), int(addon[x]),
            )  # fmt: skip
    if details is not None:
        details.update(income=income, eligible=eligible & ok)
    return np.where(eligible & ok, fen, 0), ok


def _sum_int(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values.astype(np.int64))
    return out


def _exact(
    gp: GroupParams | None, n: int, raw: Fraction, assets_ok: bool, floor: int, addon: int
) -> tuple[int, bool]:
    """One household whose imputed support does not divide evenly, with exact fractions."""
    assert gp is not None
    income = max(Fraction(0), raw)
    threshold = gp.std * n
    if gp.tiers is not None:
        base: Fraction | None = None
        for bound, per_person in gp.tiers:
            if bound is None or income < bound * n:
                base = Fraction(per_person * n)
                break
        if base is None:
            return 0, False
    else:
        base = threshold - income
    total = max(base, Fraction(floor)) + addon
    fen = int((total / 10**6 + Fraction(1, 2)) // 1)
    return fen, n > 0 and income < threshold and assets_ok
