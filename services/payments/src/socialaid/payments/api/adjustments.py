import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from socialaid.core.money import Money
from socialaid.payments.api.deps import DbDep
from socialaid.payments.use_cases.adjustments import list_adjustments

router = APIRouter(prefix="/v1/adjustments", tags=["adjustments"])


class AdjustmentRead(BaseModel):
    adjustment_id: int
    case_id: str
    programme: str
    region_code: str
    kind: Literal["arrears", "recovery"]
    amount: Money
    months: list[str]
    effective_month: str
    previous_amount: Money
    new_amount: Money
    change_id: str
    recalculation_id: str | None
    cause: str
    status: Literal["open", "paid", "recovered"]
    created_at: dt.datetime


@router.get(
    "",
    response_model=list[AdjustmentRead],
    summary="Arrears and recoveries from recalculated amounts (entitlement.changed; R-CA-01)",
)
async def get_adjustments(
    db: DbDep,
    case_id: str | None = Query(None, min_length=1, max_length=64),
    limit: int = Query(100, ge=1, le=1000),
) -> list[AdjustmentRead]:
    async with db.uow() as uow:
        rows = await list_adjustments(uow, case_id=case_id, limit=limit)
    return [AdjustmentRead.model_validate(r) for r in rows]
