"""Each workspace package declares its own dependencies.

Every library, service and tool is synced *alone* (``uv sync --package X
--no-dev``) into a virtual environment of its own, and every module it ships is
imported there. A module importing something its package does not declare
fails here, even when another package of the workspace happens to bring it.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".stack" / "depcheck"


def packages() -> list[tuple[str, Path]]:
    found = []
    for group in ("libs", "services", "tools"):
        for pyproject in sorted((ROOT / group).glob("*/pyproject.toml")):
            found.append(
                (tomllib.loads(pyproject.read_text())["project"]["name"], pyproject.parent)
            )
    return found


def modules_of(package_dir: Path) -> list[str]:
    src = package_dir / "src"
    names = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize(("name", "package_dir"), packages(), ids=[n for n, _ in packages()])
def test_package_imports_with_only_its_declared_dependencies(name: str, package_dir: Path) -> None:
    venv = CACHE / name
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    sync = subprocess.run(
        ["uv", "sync", "--frozen", "--no-dev", "--package", name, "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert sync.returncode == 0, sync.stderr
    mods = modules_of(package_dir)
    assert mods, f"{name} ships no modules"
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for m in {mods!r}:\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception as e:\n"
        "        failed.append(f'{m}: {type(e).__name__}: {e}')\n"
        "print('\\n'.join(failed)); sys.exit(1 if failed else 0)\n"
    )
    run = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, (
        f"{name} imports something it does not declare:\n{run.stdout}{run.stderr}"
    )
