"""One way to build, run and migrate every service: app factory, worker and CLI.

A service declares a :class:`ServiceSpec`; ``python -m socialaid.<svc>`` then
offers ``serve`` (the API), ``worker`` (outbox relay + consumers + background
jobs) and ``migrate`` (Alembic upgrade to head).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from socialaid.core.errors import NotFound
from socialaid.core.logging import configure_logging
from socialaid.core.settings import ServiceSettings
from socialaid.core.telemetry import setup_tracing
from socialaid.db import Database
from socialaid.events.consumer import ConsumerRunner
from socialaid.events.inbox import Applier, Subscription
from socialaid.events.limits import configure_event_limit
from socialaid.events.outbox_admin import discard_parked, list_parked, retry_parked
from socialaid.events.relay import OutboxRelay
from socialaid.web.backbone import BackboneMetrics
from socialaid.web.limits import BigIntPath, install_limits
from socialaid.web.observability import (
    KafkaProbe,
    WorkerProbe,
    health_router,
    install_observability,
    worker_health_url,
)
from socialaid.web.problems import MEDIA_TYPE, install_problem_handlers, problem_openapi
from socialaid.web.responses import JsonResponse

log = logging.getLogger("socialaid.service")

BackgroundJob = Callable[[ServiceSettings, Database, asyncio.Event], Coroutine[Any, Any, None]]


@dataclass
class ServiceSpec:
    name: str
    title: str
    description: str
    settings_factory: Callable[[], ServiceSettings]
    routers: Sequence[APIRouter]
    alembic_ini: Path
    subscriptions: Callable[[ServiceSettings], dict[str, Subscription]] | None = None
    background_jobs: Sequence[BackgroundJob] = field(default_factory=tuple)
    version: str = "0.1.0"

    @property
    def consumer_name(self) -> str:
        return f"{self.name}-consumer"

    def source(self) -> str:
        return f"/socialaid/{self.name}"


# Dependencies are coroutines: FastAPI runs a plain ``def`` dependency in a worker thread,
# one thread hop per request for a lookup.
async def get_db(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Any:
    return request.app.state.settings


DbDep = Annotated[Database, Depends(get_db)]


class ParkedMessageRead(BaseModel):
    """A message set aside by this service's consumer."""

    id: int
    subject: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    event_type: str | None
    reason: str = Field(description="poison (failed every attempt) or held (behind a parked one)")
    error: str | None
    parked_at: dt.datetime


class RedriveRead(BaseModel):
    subject: str
    applied: int = Field(description="messages re-applied, in arrival order")
    remaining: int = Field(description="messages of the subject still parked")
    error: str | None = Field(None, description="why the first remaining message failed again")


class DiscardRead(BaseModel):
    id: int
    discarded: bool


class ParkedOutboxRead(BaseModel):
    """An event the relay could not publish: the broker refused it for good (too large, or a
    non-retriable error on every attempt). Later events of its subject wait behind it."""

    id: int = Field(description="outbox row id")
    event_id: str
    event_type: str
    topic: str
    subject: str | None
    sequence: int | None = Field(description="the event's place in its subject's sequence")
    size: int = Field(description="payload bytes")
    attempts: int
    last_error: str | None = Field(description="the broker's or producer's answer")
    created_at: dt.datetime
    parked_at: dt.datetime
    held: int = Field(description="later events of the subject waiting behind this one")


class OutboxRetryRead(BaseModel):
    id: int
    retried: bool = Field(description="back in the relay's queue, ahead of its held events")


class OutboxDiscardRead(BaseModel):
    id: int
    discarded: bool = Field(description="never published; its subject's held events go on")


# An outbox row id is a BIGINT: a larger number names no row (422), never a database error.
OutboxRowId = Annotated[int, PathParam(ge=1, le=2**63 - 1, description="outbox row id")]
_NO_PARKED_ROW: dict[int | str, dict[str, Any]] = {
    404: {"description": "No open parked outbox row with this id", "content": {MEDIA_TYPE: {}}}
}


def _outbox_admin_router() -> APIRouter:
    """Parked outbox rows (every service has an outbox, so every service gets this router)."""
    router = APIRouter(prefix="/v1/admin/outbox/parked", tags=["operations"])

    @router.get(
        "",
        response_model=list[ParkedOutboxRead],
        summary="Events the relay parked because the broker refuses them",
    )
    async def list_parked_outbox(db: DbDep) -> list[ParkedOutboxRead]:
        return [
            ParkedOutboxRead.model_validate(p, from_attributes=True) for p in await list_parked(db)
        ]

    @router.post(
        "/{row_id}/retry",
        response_model=OutboxRetryRead,
        summary="Publish a parked event again (after fixing the cause), then its held ones",
        responses=_NO_PARKED_ROW,
    )
    async def retry_parked_outbox(row_id: OutboxRowId, db: DbDep) -> OutboxRetryRead:
        if not await retry_parked(db, row_id):
            raise NotFound(f"No open parked outbox row {row_id}.")
        return OutboxRetryRead(id=row_id, retried=True)

    @router.post(
        "/{row_id}/discard",
        response_model=OutboxDiscardRead,
        summary="Give up on a parked event (never published; recorded with a note)",
        responses=_NO_PARKED_ROW,
    )
    async def discard_parked_outbox(
        row_id: OutboxRowId,
        db: DbDep,
        note: Annotated[str, Query(max_length=500)] = "discarded by operator",
    ) -> OutboxDiscardRead:
        if not await discard_parked(db, row_id, note):
            raise NotFound(f"No open parked outbox row {row_id}.")
        return OutboxDiscardRead(id=row_id, discarded=True)

    return router


def _admin_router(spec: ServiceSpec) -> APIRouter:
    router = APIRouter(prefix="/v1/admin/parked", tags=["operations"])

    def applier(request: Request) -> Applier:
        settings = request.app.state.settings
        assert spec.subscriptions is not None
        return Applier(
            db=request.app.state.db,
            consumer=spec.consumer_name,
            source=spec.source(),
            subscriptions=spec.subscriptions(settings),
        )

    @router.get(
        "",
        response_model=list[ParkedMessageRead],
        summary="Messages parked by this service's consumer (poison and held)",
    )
    async def list_parked(request: Request) -> list[ParkedMessageRead]:
        return [
            ParkedMessageRead.model_validate(p, from_attributes=True)
            for p in await applier(request).list_parked()
        ]

    @router.post(
        "/subjects/{subject}/redrive",
        response_model=RedriveRead,
        response_model_exclude_none=True,
        summary="Re-apply a subject's parked messages in order",
    )
    async def redrive(subject: str, request: Request) -> RedriveRead:
        result = await applier(request).redrive(subject)
        return RedriveRead.model_validate(result, from_attributes=True)

    @router.post(
        "/{parked_id}/discard",
        response_model=DiscardRead,
        summary="Give up on one parked message (recorded with a note)",
        responses={
            404: {"description": "No open parked message with this id", "content": {MEDIA_TYPE: {}}}
        },
    )
    async def discard(
        parked_id: BigIntPath, request: Request, note: str = "discarded by operator"
    ) -> DiscardRead:
        if not await applier(request).discard(parked_id, note):
            raise NotFound(f"No open parked message {parked_id}.")
        return DiscardRead(id=parked_id, discarded=True)

    return router


def create_app(spec: ServiceSpec, settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or spec.settings_factory()
    configure_logging(spec.name, settings.log_level)
    setup_tracing(spec.name, settings.otlp_endpoint)
    configure_event_limit(settings.event_max_bytes)
    db = Database(settings.database_url, pool_size=settings.db_pool_size)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await db.dispose()

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version=spec.version,
        lifespan=lifespan,
        default_response_class=JsonResponse,
        # One server span and one set of metrics per request come from ObservabilityMiddleware;
        # FastAPI's own per-operation spans and metrics would double them (and a third of the CPU).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.db = db
    install_problem_handlers(app)
    install_limits(app)  # body size per route, clean request targets
    install_observability(app, spec.name)
    app.include_router(
        health_router(db, KafkaProbe(settings.kafka_bootstrap), *_probes(spec, settings, db))
    )
    for router in spec.routers:
        app.include_router(router)
    if spec.subscriptions is not None:
        app.include_router(_admin_router(spec))
    app.include_router(_outbox_admin_router())
    problem_openapi(app)
    return app


def _probes(
    spec: ServiceSpec, settings: ServiceSettings, db: Database
) -> tuple[WorkerProbe, BackboneMetrics]:
    """What the API's /readyz asks of its worker, and the backlog and lag its /metrics measures."""
    worker = WorkerProbe(
        worker_health_url(settings.worker_host, settings.worker_port, settings.worker_health_url),
        timeout=settings.readiness_worker_timeout_seconds,
        ttl=settings.readiness_worker_cache_seconds,
    )
    topics = (
        sorted({s.contract.TOPIC for s in spec.subscriptions(settings).values()})
        if spec.subscriptions is not None
        else []
    )
    backbone = BackboneMetrics(
        service=spec.name,
        db=db,
        bootstrap=settings.kafka_bootstrap,
        consumer=spec.consumer_name if topics else None,
        topics=topics,
        timeout=settings.backbone_metrics_timeout_seconds,
        ttl=settings.backbone_metrics_cache_seconds,
    )
    return worker, backbone


async def run_worker(
    spec: ServiceSpec, settings: ServiceSettings, stop: asyncio.Event | None = None
) -> None:
    """Relay + consumer + background jobs until SIGTERM/SIGINT (or ``stop`` is set)."""
    stop = stop or asyncio.Event()
    configure_event_limit(settings.event_max_bytes)
    db = Database(settings.database_url, pool_size=settings.db_pool_size)
    relay = OutboxRelay(
        database_url=settings.database_url,
        bootstrap=settings.kafka_bootstrap,
        service=spec.name,
        batch_size=settings.relay_batch_size,
        idle_poll_seconds=settings.relay_idle_poll_seconds,
        max_request_bytes=settings.relay_max_request_bytes,
        park_after_attempts=settings.relay_park_after_attempts,
    )
    tasks: list[asyncio.Task[None]] = [asyncio.create_task(relay.run(), name="relay")]
    runner: ConsumerRunner | None = None
    if spec.subscriptions is not None:
        runner = ConsumerRunner(
            name=spec.consumer_name,
            db=db,
            bootstrap=settings.kafka_bootstrap,
            source=spec.source(),
            subscriptions=spec.subscriptions(settings),
            max_attempts=settings.consumer_max_attempts,
            backoff_base=settings.consumer_backoff_base_seconds,
            backoff_max=settings.consumer_backoff_max_seconds,
        )
        tasks.append(asyncio.create_task(runner.run(), name="consumer"))
    for job in spec.background_jobs:
        tasks.append(
            asyncio.create_task(job(settings, db, stop), name=getattr(job, "__name__", "job"))
        )
    if settings.worker_port:  # watches every task started above
        tasks.append(
            asyncio.create_task(
                _serve_worker_http(settings, settings.worker_port, list(tasks)), name="http"
            )
        )
    log.info("worker started", extra={"tasks": ",".join(t.get_name() for t in tasks)})
    await stop.wait()
    relay.stop()
    if runner:
        runner.stop()
    for t in tasks:
        if t.get_name() == "http":
            t.cancel()
    _done, pending = await asyncio.wait(tasks, timeout=10)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await db.dispose()


async def _serve_worker_http(
    settings: ServiceSettings, port: int, watched: list[asyncio.Task[None]]
) -> None:
    """The worker's own /healthz (its relay and consumer still run) and /metrics (backlog, lag)."""
    import uvicorn
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
    from starlette.applications import Starlette
    from starlette.requests import Request as StarletteRequest
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def healthz(_: StarletteRequest) -> JSONResponse:
        dead = [t.get_name() for t in watched if t.done()]
        return JSONResponse(
            {
                "status": "ok" if not dead else "failing",
                "tasks": [t.get_name() for t in watched],
                "stopped": dead,
            },
            status_code=200 if not dead else 503,
        )

    async def metrics(_: StarletteRequest) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app = Starlette(routes=[Route("/healthz", healthz), Route("/metrics", metrics)])
    config = uvicorn.Config(
        app,
        host=settings.worker_host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:  # the worker's own handlers stop everything
            yield

    server = _Server(config)
    try:
        await server.serve()
    except asyncio.CancelledError:
        # Cancelled by run_worker's shutdown: close the listening socket too, so that whoever
        # asks (the API's /readyz) finds the worker gone rather than still answering.
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.shutdown(), timeout=5)
        raise


_SERVICE_ENV = "SOCIALAID_SERVE_SERVICE"


def app_from_environment() -> FastAPI:
    """The app of the service named in ``SOCIALAID_SERVE_SERVICE`` (``serve --workers N``:
    uvicorn imports this factory in each worker process)."""
    module = importlib.import_module(f"socialaid.{os.environ[_SERVICE_ENV]}.main")
    return create_app(module.SPEC)


def main(spec: ServiceSpec, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"socialaid.{spec.name}", description=spec.description)
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="HTTP worker processes (one event loop each)"
    )
    sub.add_parser("worker", help="run the outbox relay, consumers and background jobs")
    sub.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    args = parser.parse_args(argv)
    settings = spec.settings_factory()
    if args.cmd == "serve":
        import uvicorn

        if args.workers > 1:  # each process imports the service and builds its own app and pool
            os.environ[_SERVICE_ENV] = spec.name
            uvicorn.run(
                f"{__name__}:app_from_environment",
                factory=True,
                workers=args.workers,
                host=args.host,
                port=args.port,
                log_config=None,
                access_log=False,
            )
        else:
            uvicorn.run(
                create_app(spec, settings),
                host=args.host,
                port=args.port,
                log_config=None,
                access_log=False,
            )
    elif args.cmd == "worker":
        configure_logging(spec.name, settings.log_level)
        setup_tracing(spec.name, settings.otlp_endpoint)

        async def _main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await run_worker(spec, settings, stop)

        asyncio.run(_main())
    else:
        from socialaid.db.migrations import upgrade_to_head

        configure_logging(spec.name, settings.log_level)
        upgrade_to_head(str(spec.alembic_ini), settings.database_url)
        print(f"{spec.name}: migrated to head")
    return 0
