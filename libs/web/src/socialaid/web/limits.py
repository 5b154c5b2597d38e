"""Limits at the edge: request body size per route, clean request targets, bounded paging.

**Body size.** :class:`RequestLimitsMiddleware` (installed by ``create_app``) refuses a body
larger than its route allows *before* the body is read whole: a ``Content-Length`` above the
limit is answered at once, and a streamed (chunked) body is counted as it arrives and cut off
at the first byte past the limit. Either way the answer is ``413`` problem+json with
``code: body_too_large`` and ``limit_bytes``, and the endpoint never runs (nothing is stored).

Every route gets :data:`DEFAULT_BODY_LIMIT` (64 KiB). A route that takes more (a household, a
parameter table, a department's subscriptions) declares its own limit next to it, in its
``openapi_extra`` (the middleware reads it from the matched route, ``scope["route"]``)::

    @router.post("", ..., openapi_extra=body_limit(256 * KiB))

The limit is written into the operation as ``x-body-limit-bytes``, so the OpenAPI document shows
it, and nothing else needs registering.

**Request target.** A path or query string holding a control character (``%00``, ``%1b``, …)
is answered ``400`` ``malformed_request_target`` before any route sees it: such text can never
name a resource, and PostgreSQL refuses NUL in text.

**Paging.** :data:`Limit` (1–500) and :data:`Offset` (0–100,000) are the query parameters of
list endpoints: ``limit: Limit = 50``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Path, Query
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socialaid.core.bounds import BIGINT_MAX
from socialaid.web.problems import problem

KiB = 1024
MiB = 1024 * KiB
DEFAULT_BODY_LIMIT = 64 * KiB
BODY_LIMIT_KEY = "x-body-limit-bytes"

MAX_LIMIT = 500
MAX_OFFSET = 100_000

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1–500)")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (0–100,000; narrow the filter)")
]
BigIntPath = Annotated[int, Path(ge=1, le=BIGINT_MAX, description="A positive BIGINT id")]
"""A BIGINT id in a path: a number beyond the column's range is a 422, never a 500."""

_BAD_TARGET = re.compile(rb"[\x00-\x1f\x7f]")


def body_limit(max_bytes: int) -> dict[str, Any]:
    """``openapi_extra`` of a route whose bodies may be larger (or must be smaller) than the
    default: ``@router.post(..., openapi_extra=body_limit(256 * KiB))``."""
    if max_bytes < 0:
        raise ValueError("a body limit is a number of bytes, 0 or more")
    return {BODY_LIMIT_KEY: max_bytes}


class BodyTooLarge(StarletteHTTPException):
    """Raised by the counting ``receive`` when a streamed body passes its limit. An
    ``HTTPException`` so that FastAPI re-raises it as it is (other errors while reading a body
    become 400); its own handler renders the 413 problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail="Content Too Large")
        self.limit = limit


def _too_large(request: Request | None, limit: int) -> Response:
    return problem(
        request,
        status=413,
        code="body_too_large",
        title="Request body too large",
        detail=f"The request body is larger than this operation accepts ({limit} bytes).",
        extra={"limit_bytes": limit},
    )


class RequestLimitsMiddleware:
    """Pure ASGI middleware: a clean request target, then the body limit of the matched route.

    The limit is looked up when the body is first read: by then the router has put the matched
    route in ``scope["route"]``, and its ``openapi_extra`` holds any :func:`body_limit`. A
    declared ``Content-Length`` above it fails that first read (no byte is read); a streamed
    body fails at the chunk that passes it."""

    def __init__(self, app: ASGIApp, *, default: int = DEFAULT_BODY_LIMIT):
        self.app = app
        self.default = default

    def limit_for(self, scope: Scope) -> int:
        extra = getattr(scope.get("route"), "openapi_extra", None)
        if extra and BODY_LIMIT_KEY in extra:
            return int(extra[BODY_LIMIT_KEY])
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if _BAD_TARGET.search(unquote_to_bytes(raw_path)) or _BAD_TARGET.search(
            unquote_to_bytes(scope.get("query_string", b""))
        ):
            response = problem(
                Request(scope),
                status=400,
                code="malformed_request_target",
                title="Malformed request target",
                detail="The path or query string holds a control character.",
            )
            await response(scope, receive, send)
            return

        limit: int | None = None
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal limit, received
            if limit is None:
                limit = self.limit_for(scope)
                declared = _content_length(scope)
                if declared is not None and declared > limit:
                    raise BodyTooLarge(limit)
            if received > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:  # read outside FastAPI's body parsing: answer here
            if started:
                raise
            await _too_large(Request(scope), exc.limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def install_limits(app: FastAPI, *, default_body_limit: int = DEFAULT_BODY_LIMIT) -> None:
    """Body limits per route and clean request targets (see the module docstring). Call it
    before ``install_observability`` so the 413 and 400 answers are measured too."""

    async def _body_too_large(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BodyTooLarge)
        return _too_large(request, exc.limit)

    app.add_exception_handler(BodyTooLarge, _body_too_large)
    app.add_middleware(RequestLimitsMiddleware, default=default_body_limit)
