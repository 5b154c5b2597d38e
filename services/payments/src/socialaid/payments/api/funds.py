from fastapi import APIRouter, Query

from socialaid.contracts.events import Programme
from socialaid.payments.api.deps import DbDep, problems
from socialaid.payments.schemas import YM, LedgerSummary
from socialaid.payments.use_cases.funds import read_ledger

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
    async with db.uow() as uow:
        return await read_ledger(uow, programme=programme, region_code=region_code, month=month)
