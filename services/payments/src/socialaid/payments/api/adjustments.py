from fastapi import APIRouter, Query

from socialaid.payments.api.deps import DbDep
from socialaid.payments.schemas import AdjustmentRead
from socialaid.payments.use_cases.adjustments import list_adjustments
from socialaid.web.limits import Limit

router = APIRouter(prefix="/v1/adjustments", tags=["adjustments"])


@router.get(
    "",
    response_model=list[AdjustmentRead],
    summary="Arrears and recoveries from recalculated amounts (entitlement.changed; R-CA-01)",
)
async def get_adjustments(
    db: DbDep,
    case_id: str | None = Query(None, min_length=1, max_length=64),
    limit: Limit = 100,
) -> list[AdjustmentRead]:
    async with db.uow() as uow:
        return await list_adjustments(uow, case_id=case_id, limit=limit)
