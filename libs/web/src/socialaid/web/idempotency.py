"""Idempotency-Key for writes: same key + same body → the stored answer; different body → 409.

The record is written in the same transaction as the write it protects, so an
answer is stored exactly when the write committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import Header, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from socialaid.core.errors import Conflict, DomainError
from socialaid.db import Database, UnitOfWork
from socialaid.db.platform import idempotency_record
from socialaid.web.responses import JsonResponse

Payload = BaseModel | Mapping[str, Any] | list[Any]
Work = Callable[[UnitOfWork], Awaitable[tuple[int, Payload]]]
"""A write: its status code and its answer, a ``*Read`` model (or plain JSON data)."""
MAX_KEY_LENGTH = 200


def request_hash(body: Any) -> str:
    canonical = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _stored(uow: UnitOfWork, scope: str, key: str, digest: str) -> JsonResponse | None:
    row = (
        (
            await uow.session.execute(
                select(idempotency_record).where(
                    idempotency_record.c.scope == scope, idempotency_record.c.key == key
                )
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body.",
            code="idempotency_key_reused",
        )
    return JsonResponse(
        row["response_body"],
        status_code=row["status_code"],
        headers={"Idempotent-Replayed": "true"},
    )


async def run_idempotent(
    request: Request,
    db: Database,
    *,
    key: str | None,
    body: Any,
    work: Work,
) -> JsonResponse:
    """Run ``work`` in one unit of work, committing once; replay or refuse repeated keys."""
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise DomainError(
            f"Idempotency-Key must have 1 to {MAX_KEY_LENGTH} characters.",
            code="bad_idempotency_key",
        )
    route = request.scope.get("route")
    scope = f"{request.method} {getattr(route, 'path', request.url.path)}"
    # Only a keyed request is ever compared with another one.
    digest = "" if key is None else request_hash({"path": request.url.path, "body": body})
    for _ in range(2):
        async with db.uow() as uow:
            if key is not None:
                replay = await _stored(uow, scope, key, digest)
                if replay is not None:
                    return replay
            status, answer = await work(uow)
            payload = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
            try:
                if key is not None:
                    await uow.session.execute(
                        idempotency_record.insert().values(
                            scope=scope,
                            key=key,
                            request_hash=digest,
                            status_code=status,
                            response_body=payload,
                        )
                    )
                await uow.commit()
            except IntegrityError:
                if key is None:
                    raise
                continue  # a concurrent request with the same key won: replay its answer
            return JsonResponse(payload, status_code=status)
    async with db.uow() as uow:
        replay = await _stored(uow, scope, key or "", digest)
        if replay is None:
            raise Conflict(
                "Concurrent request with the same Idempotency-Key.", code="idempotency_conflict"
            )
        return replay


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,  # the idempotency_record.key column
        pattern=r"^[\x21-\x7e]+$",
        description="Same key + same body → the stored answer; same key + different body → 409 "
        "(1–200 visible ASCII characters)",
    ),
]
