from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.intake.api.deps import DbDep, IdempotencyKey, SettingsDep
from socialaid.intake.schemas import ApplicationCreate, ApplicationRead, SubmittedApplicationRead
from socialaid.intake.use_cases.applications import read_application, submit_application
from socialaid.intake.use_cases.ports import SqlIntakeUnitOfWork
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import KiB, body_limit
from socialaid.web.problems import problem_responses

router = APIRouter(prefix="/v1/applications", tags=["applications"])
PROBLEMS = problem_responses(
    (400, "Malformed body"),
    (404, "Not found"),
    (409, "Idempotency-Key reused"),
    (422, "Invalid application"),
)


@router.post(
    "",
    status_code=201,
    response_model=ApplicationRead,
    responses=PROBLEMS,
    summary="Submit an application: one case per requested programme (R-IN-01, R-IN-04, R-IN-05)",
    openapi_extra=body_limit(256 * KiB),
)
async def create_application(
    data: ApplicationCreate,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, SubmittedApplicationRead]:
        return 201, await submit_application(SqlIntakeUnitOfWork(uow), data=data, settings=settings)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.get("/{application_id}", response_model=ApplicationRead, responses=PROBLEMS)
async def get_application(application_id: str, db: DbDep) -> ApplicationRead:
    async with db.uow() as uow:
        return await read_application(SqlIntakeUnitOfWork(uow), application_id=application_id)
