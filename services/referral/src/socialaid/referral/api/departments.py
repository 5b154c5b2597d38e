import json

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.referral.api.deps import DbDep, IdempotencyKey, SettingsDep
from socialaid.referral.domain.referral import DeliveryStatus
from socialaid.referral.schemas import (
    DeliveryRead,
    DepartmentCreate,
    DepartmentCreated,
    DepartmentRead,
    SubscriptionsUpdate,
)
from socialaid.referral.use_cases.deliveries import acknowledge_delivery, list_deliveries
from socialaid.referral.use_cases.departments import (
    read_department,
    register_department,
    replace_subscriptions,
)
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import KiB, Limit, body_limit
from socialaid.web.problems import problem_responses

router = APIRouter(tags=["departments"])
PROBLEMS = problem_responses(
    (400, "Malformed body"),
    (404, "Not found"),
    (409, "Conflict or Idempotency-Key reused"),
    (422, "Invalid request"),
)


@router.post(
    "/v1/departments",
    status_code=201,
    response_model=DepartmentCreated,
    responses=PROBLEMS,
    summary="Register a department with its subscriptions; the webhook secret is returned once (R-RF-05)",
    openapi_extra=body_limit(256 * KiB),
)
async def create_department(
    data: DepartmentCreate,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    secret: list[str] = []

    async def work(uow: UnitOfWork) -> tuple[int, DepartmentRead]:
        view, generated = await register_department(uow, data=data, settings=settings)
        secret.append(generated)
        return 201, view  # the stored idempotent answer never holds the secret

    body = data.model_dump(mode="json", exclude={"webhook_secret"})
    body["has_secret"] = data.webhook_secret is not None
    resp = await run_idempotent(request, db, key=idempotency_key, body=body, work=work)
    if secret and "idempotent-replayed" not in resp.headers:
        return JSONResponse(
            {**json.loads(bytes(resp.body)), "webhook_secret": secret[-1]}, status_code=201
        )
    return resp


@router.get("/v1/departments/{code}", response_model=DepartmentRead, responses=PROBLEMS)
async def get_department(code: str, db: DbDep) -> DepartmentRead:
    async with db.uow() as uow:
        return await read_department(uow, code=code)


@router.put(
    "/v1/departments/{code}/subscriptions",
    response_model=DepartmentRead,
    responses=PROBLEMS,
    summary="Replace the department's subscriptions (R-RF-05)",
    openapi_extra=body_limit(256 * KiB),
)
async def put_subscriptions(
    code: str,
    data: SubscriptionsUpdate,
    request: Request,
    db: DbDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, DepartmentRead]:
        return 200, await replace_subscriptions(uow, code=code, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.get(
    "/v1/departments/{code}/deliveries",
    response_model=list[DeliveryRead],
    responses=PROBLEMS,
    summary="Deliveries for a department, oldest first (pull mode for departments without a webhook)",
)
async def get_deliveries(
    code: str,
    db: DbDep,
    status: DeliveryStatus | None = None,
    limit: Limit = 100,
) -> list[DeliveryRead]:
    async with db.uow() as uow:
        return await list_deliveries(uow, code=code, status=status, limit=limit)


@router.post(
    "/v1/deliveries/{delivery_id}/ack",
    response_model=DeliveryRead,
    responses=PROBLEMS,
    summary="The department acknowledges a pulled delivery",
)
async def ack_delivery(
    delivery_id: str, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, DeliveryRead]:
        return 200, await acknowledge_delivery(uow, delivery_id=delivery_id)

    return await run_idempotent(request, db, key=idempotency_key, body={}, work=work)
