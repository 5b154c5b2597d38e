"""``serve --workers N`` runs N HTTP processes of one service on one port (libs/web)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PORT = 8195


def _python_children(pid: int) -> list[int]:
    """The multiprocessing children of ``pid`` (from /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]


def _stack_env(prefix: str) -> dict[str, str]:
    env = dict(os.environ)
    for line in (ROOT / ".stack/env").read_text().splitlines():
        if line.startswith(f"export {prefix}_"):
            key, value = line.removeprefix("export ").split("=", 1)
            env[key] = value.strip("'\"")
    return env


async def test_two_worker_processes_serve_one_port(http):
    proc = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "socialaid.relief", "serve", "--port", str(PORT), "--workers", "2"],
        env=_stack_env("RELIEF"),
        cwd=ROOT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=5) as client:
            for _ in range(150):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
            else:
                pytest.fail("serve --workers 2 never answered /healthz")
            answers = await asyncio.gather(*(client.get("/v1/disasters") for _ in range(20)))
            assert {r.status_code for r in answers} == {200}
        assert len(await asyncio.to_thread(_python_children, proc.pid)) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 30) == 0
