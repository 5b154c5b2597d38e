"""Helpers shared by the benefits tests, imported by their full name like intake's `fakes`.

``load_seed`` reads the ``SEED`` rows of a parameter-seeding migration: the migrations are not an
importable package (their file names start with a date), so the file is loaded by path.
``in_force`` turns the rows of one programme into the parameters in force on a day.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterable
from pathlib import Path

from socialaid.benefits.db.seed import SeedRow
from socialaid.benefits.domain import engine
from socialaid.benefits.domain.parameters import ParameterUsed

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _seed_row(raw: object, origin: Path) -> SeedRow:
    if not (isinstance(raw, tuple) and len(raw) == 6):
        raise TypeError(f"{origin.name}: a seed row is a 6-tuple, not {raw!r}")
    key, region, value, valid_from, valid_to, source = raw
    if not (
        isinstance(key, str)
        and isinstance(region, str)
        and isinstance(valid_from, dt.date)
        and (valid_to is None or isinstance(valid_to, dt.date))
        and isinstance(source, str)
    ):
        raise TypeError(f"{origin.name}: malformed seed row {raw!r}")
    return key, region, value, valid_from, valid_to, source


def load_seed(filename: str) -> list[SeedRow]:
    """The ``SEED`` rows of the migration ``migrations/versions/<filename>``."""
    path = VERSIONS / filename
    spec = importlib.util.spec_from_file_location(f"benefits_seed_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the seed migration {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = getattr(module, "SEED", None)
    if not isinstance(rows, list):
        raise ImportError(f"{path.name} has no SEED list")
    return [_seed_row(row, path) for row in rows]


def in_force(rows: Iterable[SeedRow], prefix: str, day: dt.date) -> dict[str, ParameterUsed]:
    """The rows whose key starts with ``prefix`` and that are valid on ``day``, each value parsed
    by its catalogue spec, with the id ``id-<key>``."""
    return {
        k: ParameterUsed(k, engine.CATALOGUE[k].parse(v), r, f, t, f"id-{k}")
        for k, r, v, f, t, _s in rows
        if k.startswith(prefix) and f <= day and (t is None or day <= t)
    }
