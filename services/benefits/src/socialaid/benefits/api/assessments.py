from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from socialaid.benefits.api.deps import PROBLEMS, DbDep, IdempotencyKey
from socialaid.benefits.schemas.assessments import (
    AssessmentCreate,
    AssessmentRead,
    ReplayRead,
    TraceRead,
)
from socialaid.benefits.use_cases.assessments import (
    create_assessment,
    read_assessment,
    read_trace,
    replay_assessment,
)
from socialaid.db import UnitOfWork
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import KiB, body_limit

router = APIRouter(prefix="/v1/assessments", tags=["assessments"])


@router.post(
    "",
    status_code=201,
    response_model=AssessmentRead,
    responses=PROBLEMS,
    summary="Assess a household for any programme and month; stored with its trace (R-CA-12)",
    openapi_extra=body_limit(512 * KiB),
)
async def post_assessment(
    data: AssessmentCreate, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    body = data.model_dump(mode="json")

    async def work(uow: UnitOfWork) -> tuple[int, AssessmentRead]:
        return 201, await create_assessment(uow, data=data, body=body)

    return await run_idempotent(request, db, key=idempotency_key, body=body, work=work)


@router.get("/{assessment_id}", response_model=AssessmentRead, responses=PROBLEMS)
async def get_assessment(assessment_id: str, db: DbDep) -> AssessmentRead:
    async with db.uow() as uow:
        return await read_assessment(uow, assessment_id=assessment_id)


@router.get(
    "/{assessment_id}/trace",
    response_model=TraceRead,
    responses=PROBLEMS,
    summary="Which rule, which parameter, which figure: the explanation of an amount (R-CA-12)",
)
async def get_trace(assessment_id: str, db: DbDep) -> TraceRead:
    async with db.uow() as uow:
        return await read_trace(uow, assessment_id=assessment_id)


@router.get(
    "/{assessment_id}/replay",
    response_model=ReplayRead,
    responses=PROBLEMS,
    summary="Re-run the stored input as known at its known_at; identical: true|false; stores nothing",
)
async def get_replay(assessment_id: str, db: DbDep) -> ReplayRead:
    async with db.uow() as uow:
        return await replay_assessment(uow, assessment_id=assessment_id)
