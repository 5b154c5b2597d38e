"""Request tracing and Prometheus metrics for the HTTP side; /metrics, /healthz and /readyz."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaClient
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry import propagate, trace
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from socialaid.db import Database

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


def install_observability(app: FastAPI, service: str) -> None:
    @app.middleware("http")
    async def _observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        ctx = propagate.extract(dict(request.headers))
        started = time.perf_counter()
        with _tracer.start_as_current_span(
            f"{request.method} {request.url.path}", context=ctx, kind=trace.SpanKind.SERVER
        ) as span:
            response = await call_next(request)
            route = getattr(request.scope.get("route"), "path", "unmatched")
            span.update_name(f"{request.method} {route}")
            span.set_attribute("http.status_code", response.status_code)
            ctx_ids = span.get_span_context()
            if ctx_ids.is_valid:
                response.headers["traceparent"] = (
                    f"00-{ctx_ids.trace_id:032x}-{ctx_ids.span_id:016x}-01"
                )
        if route not in ("/metrics", "/healthz", "/readyz"):
            REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
            LATENCY.labels(service, request.method, route).observe(time.perf_counter() - started)
        return response


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


def health_router(db: Database, kafka: KafkaProbe) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: database and Kafka reachable")
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(db.ping(), timeout=3)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"down: {type(exc).__name__}"
        ok, err = await kafka.check()
        checks["kafka"] = "ok" if ok else f"down: {err}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
