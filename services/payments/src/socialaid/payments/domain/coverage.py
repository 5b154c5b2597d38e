"""Which administrative divisions a payroll covers: a county covers itself; a city its counties."""

from __future__ import annotations

from socialaid.core.regions import REGIONS, get_region, lineage

PAYROLL_LEVELS = ("county", "city")


def payroll_region_problem(code: str) -> str | None:
    region = get_region(code)
    if region is None:
        return f"unknown region code {code!r}"
    if region.level not in PAYROLL_LEVELS:
        return f"payrolls are run per county or city, not per {region.level} ({code})"
    return None


def covered_regions(code: str) -> list[str]:
    """The region and every known division below it, sorted."""
    return sorted(c for c in REGIONS if code in lineage(c))
