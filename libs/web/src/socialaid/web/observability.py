"""Request tracing and Prometheus metrics for the HTTP side; /metrics, /healthz and /readyz."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaClient
from fastapi import APIRouter, FastAPI, Response
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
