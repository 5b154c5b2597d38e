"""The fund ledger (资金台账): what was disbursed, by programme, region and month (R-PA-04)."""

from __future__ import annotations

from socialaid.contracts.events import Programme
from socialaid.core.errors import NotFound
from socialaid.core.regions import is_known_region
from socialaid.db import UnitOfWork
from socialaid.payments.domain.coverage import covered_regions
from socialaid.payments.repository import LedgerRepository
from socialaid.payments.schemas import LedgerSummary


async def read_ledger(
    uow: UnitOfWork, *, programme: Programme | None, region_code: str | None, month: str | None
) -> LedgerSummary:
    """Count and sum of disbursements; a region covers the divisions below it."""
    if region_code is not None and not is_known_region(region_code):
        raise NotFound(f"Unknown region {region_code}.")
    regions = covered_regions(region_code) if region_code else None
    totals = await LedgerRepository(uow.session).summary(
        programme=programme, regions=regions, month=month
    )
    return LedgerSummary(
        programme=programme,
        region_code=region_code,
        month=month,
        entries=totals.entries,
        total=totals.total,
    )
