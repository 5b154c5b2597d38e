from fastapi import APIRouter, Query

from socialaid.contracts.events import Programme
from socialaid.core.errors import NotFound
from socialaid.core.regions import is_known_region
from socialaid.payments.api.deps import DbDep, problems
from socialaid.payments.domain.coverage import covered_regions
from socialaid.payments.repository import PaymentsRepository
from socialaid.payments.schemas import YM, LedgerSummary

router = APIRouter(prefix="/v1/funds", tags=["funds"])


@router.get(
    "/ledger",
    response_model=LedgerSummary,
    responses=problems((404, "Unknown region")),
    summary="Fund ledger: disbursements (count and sum) by programme, region (with the "
    "divisions below it) and month (R-PA-04)",
)
async def get_ledger(
    db: DbDep,
    programme: Programme | None = None,
    region_code: str | None = Query(None, pattern=r"^\d{6}$"),
    month: str | None = Query(None, pattern=YM),
) -> LedgerSummary:
    if region_code is not None and not is_known_region(region_code):
        raise NotFound(f"Unknown region {region_code}.")
    regions = covered_regions(region_code) if region_code else None
    async with db.uow() as uow:
        row = await PaymentsRepository(uow.session).ledger_summary(
            programme=programme, regions=regions, month=month
        )
    return LedgerSummary(
        programme=programme,
        region_code=region_code,
        month=month,
        entries=row["entries"],
        total=row["total"],
    )
