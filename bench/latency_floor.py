"""The floor of a stored ``POST``: a FastAPI app that does only what any stored request must.

It validates the same request body with the same pydantic model as ``POST /v1/assessments``
(``AssessmentCreate``), inserts it as one JSONB row with raw asyncpg, and answers 201 with a small
JSON body — no rules, no parameters, no trace. ``bench/assessment_latency.py`` starts it as a
separate uvicorn process (like the service) and measures it with the same clients, so the
service's latency can be read against what this machine allows a Python web process at all.

    .venv/bin/python bench/latency_floor.py --port 8199 --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import AsyncIterator

import asyncpg
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from socialaid.benefits.schemas.assessments import AssessmentCreate


def build(database_url: str) -> FastAPI:
    pool: dict[str, asyncpg.Pool] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool["p"] = await asyncpg.create_pool(database_url, min_size=5, max_size=10)
        await pool["p"].execute(
            "CREATE TABLE IF NOT EXISTS floor_request "
            "(id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz DEFAULT now())"
        )
        yield
        await pool["p"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/assessments", status_code=201)
    async def store(data: AssessmentCreate) -> JSONResponse:
        body = data.model_dump(mode="json")
        row_id = await pool["p"].fetchval(
            "INSERT INTO floor_request (body) VALUES ($1::jsonb) RETURNING id", json.dumps(body)
        )
        return JSONResponse({"id": row_id, "programme": data.programme}, status_code=201)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--database-url", required=True)
    a = parser.parse_args()
    uvicorn.run(build(a.database_url), host="127.0.0.1", port=a.port, log_level="warning")
