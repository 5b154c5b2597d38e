"""Body limits per route and clean request targets, on a small app (no I/O beyond ASGI):
the probe that read, validated and stored a 50 MB application, and NUL bytes in paths."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from socialaid.web.limits import (
    DEFAULT_BODY_LIMIT,
    KiB,
    Limit,
    Offset,
    body_limit,
    install_limits,
)
from socialaid.web.problems import MEDIA_TYPE, install_problem_handlers


def make_app() -> tuple[FastAPI, list[Any]]:
    app = FastAPI()
    install_problem_handlers(app)
    install_limits(app)
    seen: list[Any] = []

    @app.post("/small")
    async def small(data: dict[str, Any]) -> dict[str, int]:
        seen.append(data)
        return {"keys": len(data)}

    @app.post("/batch", openapi_extra=body_limit(256 * KiB))
    async def batch(data: dict[str, Any]) -> dict[str, int]:
        seen.append(data)
        return {"keys": len(data)}

    @app.get("/items/{item_id}")
    async def item(item_id: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        return {"id": item_id, "limit": limit, "offset": offset}

    return app, seen


@pytest.fixture
async def api() -> AsyncIterator[tuple[httpx.AsyncClient, list[Any]]]:
    app, seen = make_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        yield client, seen


def payload(size: int) -> bytes:
    return b'{"x": "' + b"a" * (size - 9) + b'"}'


def assert_too_large(r: httpx.Response, limit: int) -> None:
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == MEDIA_TYPE
    problem = r.json()
    assert problem["code"] == "body_too_large"
    assert problem["limit_bytes"] == limit
    assert problem["status"] == 413


async def test_declared_oversized_body_is_refused_before_it_is_read(api) -> None:
    client, seen = api
    r = await client.post(
        "/small",
        content=payload(DEFAULT_BODY_LIMIT + 1),
        headers={"content-type": "application/json"},
    )
    assert_too_large(r, DEFAULT_BODY_LIMIT)
    assert seen == []


async def test_streamed_oversized_body_is_cut_off_while_counting(api) -> None:
    client, seen = api
    chunks_sent = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        yield b'{"x": "'
        for _ in range(1000):  # 16 MB if it were all read
            chunks_sent += 1
            yield b"a" * (16 * KiB)
        yield b'"}'

    r = await client.post("/small", content=stream(), headers={"content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert_too_large(r, DEFAULT_BODY_LIMIT)
    assert seen == []
    assert chunks_sent <= DEFAULT_BODY_LIMIT // (16 * KiB) + 1  # the rest was never read


async def test_a_route_declares_a_larger_limit_next_to_it(api) -> None:
    client, seen = api
    body = payload(200 * KiB)
    ok = await client.post("/batch", content=body, headers={"content-type": "application/json"})
    assert ok.status_code == 200, ok.text
    assert_too_large(
        await client.post("/small", content=body, headers={"content-type": "application/json"}),
        DEFAULT_BODY_LIMIT,
    )
    assert_too_large(
        await client.post(
            "/batch",
            content=payload(256 * KiB + 1),
            headers={"content-type": "application/json"},
        ),
        256 * KiB,
    )
    assert len(seen) == 1


async def test_body_within_the_limit_is_served(api) -> None:
    client, seen = api
    r = await client.post("/small", json={"a": 1, "b": 2})
    assert r.status_code == 200 and r.json() == {"keys": 2}
    assert seen == [{"a": 1, "b": 2}]


def test_the_limit_is_documented_in_openapi() -> None:
    app, _ = make_app()
    doc = app.openapi()
    assert doc["paths"]["/batch"]["post"]["x-body-limit-bytes"] == 256 * KiB
    params = {p["name"]: p["schema"] for p in doc["paths"]["/items/{item_id}"]["get"]["parameters"]}
    assert params["limit"]["maximum"] == 500 and params["limit"]["minimum"] == 1
    assert params["offset"]["maximum"] == 100_000


@pytest.mark.parametrize(
    "target", ["/items/a%00b", "/items/x?limit=5&q=%00", "/items/%1b%5b31m", "/items/a%0d%0ab"]
)
async def test_control_characters_in_the_request_target_are_refused(api, target: str) -> None:
    client, _ = api
    r = await client.get(target)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "malformed_request_target"


@pytest.mark.parametrize(
    "query", ["offset=99999999999999999999", "offset=-1", "offset=100001", "limit=0", "limit=501"]
)
async def test_paging_beyond_its_bounds_is_a_422(api, query: str) -> None:
    client, _ = api
    r = await client.get(f"/items/a?{query}")
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "validation_failed"


def test_a_body_limit_is_bytes() -> None:
    with pytest.raises(ValueError, match="bytes"):
        body_limit(-1)
