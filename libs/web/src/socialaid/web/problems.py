"""RFC 9457 problem+json for every error: domain errors, validation errors and the unexpected."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from socialaid.core.errors import DomainError
from socialaid.core.telemetry import trace_id_hex
from socialaid.db.errors import CONNECTION_ERRORS, is_connection_lost

log = logging.getLogger("socialaid.http")
DATABASE_RETRY_AFTER_S = 2
PROBLEM_TYPE = "https://socialaid.example.cn/problems/"
MEDIA_TYPE = "application/problem+json"


def problem(
    request: Request | None,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
    trace_id = trace_id_hex()
    if trace_id:
        body["trace_id"] = trace_id
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def _clean_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {"field": ".".join(loc), "message": err.get("msg", ""), "type": err.get("type", "")}
        )
    return out


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            extra=exc.extra or None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean_errors(exc)
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(
                request,
                status=400,
                code="malformed_body",
                title="Malformed request body",
                detail="The request body is not valid JSON.",
                errors=errors,
            )
        return problem(
            request,
            status=422,
            code="validation_failed",
            title="Invalid request",
            detail="The request has invalid or missing fields.",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthorized",
            403: "forbidden",
        }.get(exc.status_code, "http_error")
        return problem(
            request,
            status=exc.status_code,
            code=code,
            title=str(exc.detail),
            detail=str(exc.detail),
        )

    def _internal(request: Request) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(
            request,
            status=500,
            code="internal_error",
            title="Internal error",
            detail="The request could not be completed; it changed nothing. Quote the trace id.",
        )

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        # A lost or refused database connection is transient: the transaction was rolled back
        # with the connection, so the client may retry (with the same Idempotency-Key).
        if not is_connection_lost(exc):
            return _internal(request)
        log.warning(
            "database unavailable on %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
        )
        response = problem(
            request,
            status=503,
            code="database_unavailable",
            title="Database unavailable",
            detail="The database could not be reached; the request changed nothing. "
            "Retry later with the same Idempotency-Key.",
        )
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_S)
        return response

    database_errors: tuple[type[Exception], ...] = (DBAPIError, *CONNECTION_ERRORS)
    for error in database_errors:
        app.add_exception_handler(error, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _internal(request)


PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details, as every error of this API is answered.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable error code"},
        "trace_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}


def problem_openapi(app: FastAPI) -> None:
    """Document errors as they are answered: FastAPI's stock 422 becomes problem+json."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        ref = {"$ref": "#/components/schemas/Problem"}
        for operations in doc.get("paths", {}).values():
            for op in operations.values():
                for status, response in op.get("responses", {}).items():
                    content = response.get("content", {})
                    if status == "422" and "application/json" in content:
                        response["description"] = "Invalid request (fields listed in `errors`)"
                        response["content"] = {MEDIA_TYPE: {"schema": ref}}
                    elif status[0] in "45" and set(content) == {MEDIA_TYPE}:
                        content[MEDIA_TYPE].setdefault("schema", ref)
                        if not content[MEDIA_TYPE]["schema"]:
                            content[MEDIA_TYPE]["schema"] = ref
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = PROBLEM_SCHEMA
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def problem_responses(*codes: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem+json errors a route answers: ``(404, "Not found"), …``."""
    return {status: {"content": {MEDIA_TYPE: {}}, "description": text} for status, text in codes}
