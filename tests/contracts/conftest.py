"""Fixtures for the API-document checks: the official AsyncAPI JSON Schema, cached per machine.

The schema comes from the npm package ``@asyncapi/specs`` (the AsyncAPI initiative's own
bundle), fetched once with ``npm pack`` into ``.stack/cache/asyncapi-specs/<version>/`` (git-ignored)
and checked against the registry's sha512 integrity before it is unpacked. Later runs need no network.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ASYNCAPI_SPECS_VERSION = "6.11.1"  # ships schemas/3.0.0-without-$id.json (bundled, draft-07)
# `npm view @asyncapi/specs@6.11.1 dist.integrity`
ASYNCAPI_SPECS_INTEGRITY = "sha512-A3WBLqAKGoJ2+6FWFtpjBlCQ1oFCcs4GxF7zsIGvNqp/klGUHjlA3aAcZ9XMMpLGE8zPeYDz2x9FmO6DSuKraQ=="
CACHE = ROOT / ".stack" / "cache" / "asyncapi-specs"
SCHEMA_FILE = "schemas/3.0.0-without-$id.json"  # every definition inlined: no remote $refs


def _npm_pack(dest: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "npm is not on PATH: it is needed once per machine to fetch the official AsyncAPI "
            f"JSON Schema (@asyncapi/specs@{ASYNCAPI_SPECS_VERSION}) into {CACHE}. Install "
            "Node.js/npm, or unpack that package's tarball there by hand as "
            f"{CACHE}/{ASYNCAPI_SPECS_VERSION}/{SCHEMA_FILE}.",
            pytrace=False,
        )
    spec = f"@asyncapi/specs@{ASYNCAPI_SPECS_VERSION}"
    try:
        done = subprocess.run(
            [npm, "pack", spec, "--pack-destination", str(dest), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`npm pack {spec}` timed out after 300 s (registry unreachable?)")
    if done.returncode != 0:
        pytest.fail(
            f"`npm pack {spec}` failed (exit {done.returncode}):\n{done.stderr.strip()}",
            pytrace=False,
        )
    tarballs = list(dest.glob("*.tgz"))
    assert len(tarballs) == 1, f"npm pack produced {tarballs}; stdout: {done.stdout}"
    return tarballs[0]


def _check_integrity(tarball: Path) -> None:
    algo, _, expected = ASYNCAPI_SPECS_INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        pytest.fail(f"{tarball.name}: {algo} {digest} != pinned {expected}", pytrace=False)


def _ensure_cached() -> Path:
    target = CACHE / ASYNCAPI_SPECS_VERSION
    if (target / SCHEMA_FILE).is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="download-", dir=CACHE))
    try:
        tarball = _npm_pack(work)
        _check_integrity(tarball)
        with tarfile.open(tarball) as tar:
            tar.extractall(work / "x", filter="data")
        try:  # atomic publish; a concurrent run may have won the race, which is fine
            os.rename(work / "x" / "package", target)
        except OSError:
            if not (target / SCHEMA_FILE).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not (target / SCHEMA_FILE).is_file():
        pytest.fail(f"@asyncapi/specs@{ASYNCAPI_SPECS_VERSION} has no {SCHEMA_FILE}")
    return target


@pytest.fixture(scope="session")
def asyncapi_3_0_0_schema() -> dict[str, Any]:
    """The official AsyncAPI 3.0.0 JSON Schema (draft-07, all definitions bundled)."""
    schema: dict[str, Any] = json.loads(
        (_ensure_cached() / SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return schema
