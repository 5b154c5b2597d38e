"""Request tracing and Prometheus metrics for the HTTP side; /metrics, /healthz and /readyz.

Readiness reports the service's worker too. Design: the API asks the worker's own ``/healthz``
(``worker_host:worker_port``, the same settings both processes read), which already says whether
each of its tasks (relay, consumer, background jobs) still runs; the answer is cached for a second
or two. A heartbeat row written by the worker into the service database was the alternative (it
works where the worker has no HTTP port), but it needs a table and a migration per service and
a writer task whose staleness threshold must exceed the worker's slowest loop; it stays the
fallback for a deployment without a worker port. Without a worker port the check is skipped and
says so.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from aiokafka import AIOKafkaClient
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry import propagate, trace
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from socialaid.db import Database
from socialaid.web.backbone import BackboneMetrics
from socialaid.web.problems import MEDIA_TYPE, problem

REQUESTS = Counter(
    "socialaid_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
LATENCY = Histogram(
    "socialaid_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
_tracer = trace.get_tracer("socialaid.http")


_UNOBSERVED = frozenset({"/metrics", "/healthz", "/readyz"})


class ObservabilityMiddleware:
    """Pure ASGI middleware: a server span per request (continuing an incoming ``traceparent``),
    the span's ``traceparent`` on the response, and Prometheus request counts and latencies."""

    def __init__(self, app: Any, service: str):
        self.app = app
        self.service = service

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in _UNOBSERVED:
            await self.app(scope, receive, send)
            return
        carrier = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in scope["headers"]
            if k == b"traceparent"
        }
        ctx = propagate.extract(carrier) if carrier else None
        started = time.perf_counter()
        status = 500
        with _tracer.start_as_current_span(
            f"{scope['method']} {path}", context=ctx, kind=trace.SpanKind.SERVER
        ) as span:
            ids = span.get_span_context()
            traceparent = (
                f"00-{ids.trace_id:032x}-{ids.span_id:016x}-01".encode() if ids.is_valid else None
            )

            async def send_wrapper(message: dict[str, Any]) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    if traceparent:
                        message["headers"] = [
                            *message.get("headers", []),
                            (b"traceparent", traceparent),
                        ]
                await send(message)

            try:
                await self.app(scope, receive, send_wrapper)
            finally:
                route = getattr(scope.get("route"), "path", "unmatched")
                span.update_name(f"{scope['method']} {route}")
                span.set_attribute("http.status_code", status)
                REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
                LATENCY.labels(self.service, scope["method"], route).observe(
                    time.perf_counter() - started
                )


def install_observability(app: FastAPI, service: str) -> None:
    app.add_middleware(ObservabilityMiddleware, service=service)


class KafkaProbe:
    """Checks that the broker answers a metadata request; caches the answer for a few seconds."""

    def __init__(self, bootstrap: str, ttl: float = 5.0):
        self.bootstrap = bootstrap
        self.ttl = ttl
        self._checked = 0.0
        self._ok: bool | None = None
        self._error = ""
        self._lock = asyncio.Lock()

    async def check(self) -> tuple[bool, str]:
        async with self._lock:
            if self._ok is not None and time.monotonic() - self._checked < self.ttl:
                return self._ok, self._error
            client = AIOKafkaClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000)
            try:
                await asyncio.wait_for(client.bootstrap(), timeout=4)
                self._ok, self._error = True, ""
            except Exception as exc:
                self._ok, self._error = False, f"{type(exc).__name__}"
            finally:
                await client.close()
            self._checked = time.monotonic()
            return self._ok, self._error


class WorkerProbe:
    """Asks the service's worker for its ``/healthz``; caches the answer ``ttl`` seconds.

    ``check`` answers ``ok``, ``skipped: …`` (no worker port configured) or ``down: …``
    (unreachable, or which of its tasks stopped)."""

    def __init__(self, url: str | None, *, timeout: float = 1.0, ttl: float = 1.5):
        self.url = url
        self.timeout = timeout
        self.ttl = ttl
        self._checked = float("-inf")
        self._answer = ""
        self._lock = asyncio.Lock()

    async def check(self) -> str:
        if self.url is None:
            return "skipped: no worker port configured"
        async with self._lock:
            if time.monotonic() - self._checked >= self.ttl:
                self._answer = await self._ask(self.url)
                self._checked = time.monotonic()
            return self._answer

    async def _ask(self, url: str) -> str:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                answer = await client.get(url)
        except httpx.HTTPError as exc:
            return f"down: unreachable ({type(exc).__name__})"
        if answer.status_code == 200:
            return "ok"
        try:
            stopped = answer.json().get("stopped") or []
        except ValueError:
            stopped = []
        if stopped:
            return f"down: stopped {', '.join(map(str, stopped))}"
        return f"down: HTTP {answer.status_code}"


def worker_health_url(host: str, port: int | None, url: str | None = None) -> str | None:
    """Where the API asks its worker: ``url`` when set (a worker elsewhere), else the worker's
    own bind address (a wildcard bind is asked on the loopback), None without a port."""
    if url:
        return url
    if not port:
        return None
    host = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def _passes(check: str) -> bool:
    return check == "ok" or check.startswith("skipped")


_READY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Ready: every component answers (a skipped one says why)",
        "content": {
            "application/json": {
                "example": {
                    "status": "ready",
                    "checks": {"database": "ok", "kafka": "ok", "worker": "ok"},
                }
            }
        },
    },
    503: {
        "description": "Not ready: `failed` names the components that did not answer "
        "(database, kafka, worker), `checks` says why",
        "content": {MEDIA_TYPE: {}},
    },
}


def health_router(
    db: Database,
    kafka: KafkaProbe,
    worker: WorkerProbe | None = None,
    backbone: BackboneMetrics | None = None,
) -> APIRouter:
    router = APIRouter(tags=["operations"])
    worker = worker or WorkerProbe(None)

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    async def database_check() -> str:
        try:
            await asyncio.wait_for(db.ping(), timeout=3)
        except Exception as exc:
            return f"down: {type(exc).__name__}"
        return "ok"

    async def kafka_check() -> str:
        ok, err = await kafka.check()
        return "ok" if ok else f"down: {err}"

    @router.get(
        "/readyz",
        summary="Readiness: database, Kafka and the service's worker",
        responses=_READY_RESPONSES,
    )
    async def readyz(request: Request) -> JSONResponse:
        names = ("database", "kafka", "worker")
        results = await asyncio.gather(database_check(), kafka_check(), worker.check())
        checks = dict(zip(names, results, strict=True))
        failed = [name for name, check in checks.items() if not _passes(check)]
        if not failed:
            return JSONResponse({"status": "ready", "checks": checks})
        return problem(
            request,
            status=503,
            code="not-ready",
            title="Service not ready",
            detail="; ".join(f"{name}: {checks[name]}" for name in failed),
            extra={"failed": failed, "checks": checks},
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        if backbone is not None:
            await backbone.refresh()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
