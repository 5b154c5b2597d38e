from fastapi import APIRouter, Query

from socialaid.payments.api.deps import DbDep
from socialaid.payments.schemas import EntitlementRead
from socialaid.payments.use_cases.entitlements import list_entitlements
from socialaid.web.limits import Limit

router = APIRouter(prefix="/v1/entitlements", tags=["entitlements"])


@router.get(
    "",
    response_model=list[EntitlementRead],
    summary="Entitlement schedules (from county approvals), with their changes",
)
async def get_entitlements(
    db: DbDep,
    case_id: str | None = Query(None, min_length=1, max_length=64),
    limit: Limit = 100,
) -> list[EntitlementRead]:
    async with db.uow() as uow:
        return await list_entitlements(uow, case_id=case_id, limit=limit)
