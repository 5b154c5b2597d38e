"""``POST /v1/assessments`` latency under 20 concurrent clients (target p99 < 50 ms).

Against the running benefits service (port 8003): a dibao assessment of a realistic household
(members with ages, incomes by category, assets, sometimes an obligor), each stored with its
trace. Baselines in the same run, same clients: ``GET /healthz`` of the same process, and the
floor of any stored POST on this machine — ``bench/latency_floor.py``: the same body validated by
the same model and inserted as one row, in its own uvicorn process. Also measured: the same 20
clients paced like caseworkers (each pauses ``THINK_S`` on average between requests, exponentially
distributed), below saturation.

    make up   # the stack must be running
    .venv/bin/python bench/assessment_latency.py [--requests 2000 --concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RawHttpClient, StolenCpu, hardware, save, summary

PORT = 8003  # --port to aim at another instance
FLOOR_PORT = 8199
THINK_S = 0.5  # paced run: each client pauses this long on average between requests (exponential)
COUNTIES = ["141102", "141121", "141123", "141124", "141125", "141181", "141182"]


def household(rng: random.Random) -> dict:
    members = []
    for i in range(rng.choice((1, 2, 2, 3, 3, 4, 5))):
        year = rng.randrange(1935, 2024)
        member = {
            "member_id": f"m{i}",
            "relationship": "applicant" if i == 0 else "member",
            "birth_date": f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "incomes": {},
        }
        if 18 <= 2026 - year < 60 and rng.random() < 0.3:
            member["employed"] = True
            member["incomes"]["wages"] = f"{rng.randrange(500, 2500)}.00"
        if 2026 - year >= 60:
            member["incomes"]["pension_local"] = f"{rng.randrange(150, 600)}.00"
        if rng.random() < 0.08:
            member["serious_illness"] = True
        if rng.random() < 0.05:
            member["disability_grade"] = rng.choice((1, 2))
            member["disability_type"] = "physical"
        members.append(member)
    body = {
        "programme": "dibao",
        "region_code": rng.choice(COUNTIES),
        "benefit_month": "2026-07",
        "members": members,
        "assets": {
            "financial": f"{rng.randrange(0, 30000)}.00",
            "residential_properties": rng.choice((0, 1, 1, 1)),
        },
    }
    if rng.random() < 0.12:
        body["obligors"] = [
            {
                "household_per_capita_income": f"{rng.randrange(1000, 6000)}.00",
                "children_count": rng.randrange(1, 5),
                "persons_supported": rng.randrange(1, 4),
            }
        ]
    return body


args = argparse.Namespace(port=PORT)


async def load(
    n: int, concurrency: int, make, think_s: float = 0.0
) -> tuple[list[float], float, int, bytes]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    remaining = n
    sample = b""

    pace = random.Random(5)

    async def worker() -> None:
        nonlocal errors, remaining, sample
        if think_s:
            await asyncio.sleep(pace.uniform(0, think_s))
        client = RawHttpClient("127.0.0.1", args.port)
        await client.connect()
        try:
            while remaining > 0:
                remaining -= 1
                method, path, body = make()
                t0 = time.perf_counter()
                status, payload = await client.request(method, path, body)
                latencies.append(time.perf_counter() - t0)
                if status >= 400:
                    errors += 1
                    sample = sample or payload
                if think_s:  # exponential pauses: clients do not march in step
                    await asyncio.sleep(pace.expovariate(1 / think_s))
        finally:
            await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors, sample


async def floor(n: int, concurrency: int, bodies: list[bytes]) -> dict:
    """The same requests against ``bench/latency_floor.py`` (validate + one INSERT) in its own
    uvicorn process and database."""
    admin = "postgresql://socialaid:socialaid@127.0.0.1:55432/postgres"
    conn = await asyncpg.connect(admin)
    await conn.execute("DROP DATABASE IF EXISTS latency_floor WITH (FORCE)")
    await conn.execute("CREATE DATABASE latency_floor")
    await conn.close()
    url = admin.rsplit("/", 1)[0] + "/latency_floor"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).with_name("latency_floor.py")),
        "--port", str(FLOOR_PORT), "--database-url", url,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                client = RawHttpClient("127.0.0.1", FLOOR_PORT)
                await client.connect()
                await client.close()
                break
            except OSError:
                await asyncio.sleep(0.2)
        port, args.port = args.port, FLOOR_PORT
        try:
            await load(200, concurrency, lambda: ("POST", "/v1/assessments", bodies[0]))
            lat, seconds, errors, _ = await load(
                n, concurrency, lambda: ("POST", "/v1/assessments", bodies.pop())
            )
        finally:
            args.port = port
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 10)
    return {"per_s": round(n / seconds, 1), "errors": errors, **summary(lat)}


async def main(n: int, concurrency: int) -> dict:
    rng = random.Random(11)
    bodies = [json.dumps(household(rng)).encode() for _ in range(3 * n + 400)]
    await load(200, concurrency, lambda: ("POST", "/v1/assessments", bodies.pop()))  # warm-up
    base_lat, base_s, _, _ = await load(n, concurrency, lambda: ("GET", "/healthz", None))
    with StolenCpu() as stolen_saturated:
        lat, seconds, errors, sample = await load(
            n, concurrency, lambda: ("POST", "/v1/assessments", bodies.pop())
        )
    with StolenCpu() as stolen_paced:
        paced_lat, paced_s, paced_errors, _ = await load(
            n, concurrency, lambda: ("POST", "/v1/assessments", bodies.pop()), THINK_S
        )
    with StolenCpu() as stolen_floor:
        floor_result = await floor(n, concurrency, bodies)
    result = {
        "benchmark": "assessment_latency",
        "requests": n,
        "concurrency": concurrency,
        "errors": errors,
        "post_assessments_per_s": round(n / seconds, 1),
        **{f"post_{k}": v for k, v in summary(lat).items()},
        "healthz_per_s": round(n / base_s, 1),
        **{f"healthz_{k}": v for k, v in summary(base_lat).items()},
        "paced": {
            "think_s_per_client": THINK_S,
            "requests": n,
            "per_s": round(n / paced_s, 1),
            "errors": paced_errors,
            **summary(paced_lat),
        },
        "floor_validate_and_insert": floor_result,
        "ratio_p99_to_floor_p99": round(summary(lat)["p99_ms"] / floor_result["p99_ms"], 2),
        "target_p99_ms": 50,
        "target_met": {
            "paced": summary(paced_lat)["p99_ms"] < 50,
            "saturated": summary(lat)["p99_ms"] < 50,
        },
        # CPU time the host gave to other machines during each run (see bench/common.py)
        "stolen_cpu_percent": {
            "saturated": stolen_saturated.percent,
            "paced": stolen_paced.percent,
            "floor": stolen_floor.percent,
        },
        "hardware": hardware(),
    }
    if errors:
        result["first_error"] = sample.decode(errors="replace")[:500]
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--port", type=int, default=PORT)
    args = a = parser.parse_args()
    res = asyncio.run(main(a.requests, a.concurrency))
    print(json.dumps(res, indent=2, ensure_ascii=False))
    save("assessment_latency", res)
