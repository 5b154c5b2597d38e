"""``POST /v1/applications`` throughput and latency on the running stack, relay running.

Baseline in the same run: ``GET /healthz`` of the same process at the same
concurrency (the framework's floor). Also reports how long the relay needed to
drain the outbox after the last request.

    make up   # the stack must be running
    .venv/bin/python bench/api_throughput.py [--requests 2000 --concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RawHttpClient, hardware, save, summary

from socialaid.core.ids import gb11643_check_char

PORT = 8001
INTAKE_DB = "postgresql://socialaid:socialaid@127.0.0.1:55432/intake"


_USED: set[str] = set()


def person(rng: random.Random, relationship: str) -> dict:
    while True:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
        body = f"141102{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
        if body not in _USED:
            _USED.add(body)
            break
    return {
        "name": "测试" + str(rng.randrange(100)),
        "id_number": body + gb11643_check_char(body),
        "relationship": relationship,
        "birth_date": born.isoformat(),
        "declared_monthly_income": f"{rng.randrange(0, 900)}.00",
    }


def application(rng: random.Random) -> dict:
    return {
        "region_code": "141102",
        "programmes": ["dibao"],
        "members": [person(rng, "applicant"), person(rng, "spouse"), person(rng, "child")],
        "consent": {"signed": True},
        "payee": {
            "account_name": "测试",
            "account_number": "6222020200112233445",
            "bank_code": "ICBC",
        },
    }


async def load(n: int, concurrency: int, make) -> tuple[list[float], float, int]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    remaining = n

    async def worker() -> None:
        nonlocal errors, remaining
        client = RawHttpClient("127.0.0.1", PORT)
        await client.connect()
        try:
            while remaining > 0:
                remaining -= 1
                method, path, body = make()
                t0 = time.perf_counter()
                status, _ = await client.request(method, path, body)
                latencies.append(time.perf_counter() - t0)
                if status >= 400:
                    errors += 1
        finally:
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors


async def backlog() -> int:
    conn = await asyncpg.connect(INTAKE_DB)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
    finally:
        await conn.close()


async def main(n: int, concurrency: int) -> dict:
    # A fresh seed each run: one person has one open dibao case, so a household may not be
    # posted again by a later run (nor appear twice in this one).
    rng = random.Random()
    # Bodies are made before timing so the load generator spends its CPU on I/O only.
    bodies = [json.dumps(application(rng)).encode() for _ in range(n)]
    await load(200, concurrency, lambda: ("GET", "/healthz", None))  # warm-up
    base_lat, base_s, _ = await load(n, concurrency, lambda: ("GET", "/healthz", None))
    lat, seconds, errors = await load(
        n, concurrency, lambda: ("POST", "/v1/applications", bodies.pop())
    )
    t0 = time.perf_counter()
    while await backlog() > 0 and time.perf_counter() - t0 < 120:
        await asyncio.sleep(0.05)
    drain = time.perf_counter() - t0
    return {
        "benchmark": "api_throughput",
        "requests": n,
        "concurrency": concurrency,
        "errors": errors,
        "post_applications_per_s": round(n / seconds, 1),
        **{f"post_{k}": v for k, v in summary(lat).items()},
        "healthz_per_s": round(n / base_s, 1),
        **{f"healthz_{k}": v for k, v in summary(base_lat).items()},
        "post_to_healthz_throughput_ratio": round(base_s / seconds, 3),
        "outbox_drained_seconds_after_last_request": round(drain, 2),
        "hardware": hardware(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    a = parser.parse_args()
    res = asyncio.run(main(a.requests, a.concurrency))
    print(json.dumps(res, indent=2, ensure_ascii=False))
    save("api_throughput", res)
