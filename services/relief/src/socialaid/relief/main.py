"""Relief service definition and app factory (nothing runs at import)."""

from pathlib import Path

from fastapi import FastAPI

from socialaid.relief.api import disasters
from socialaid.relief.config import Settings
from socialaid.web.service import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="relief",
    title="Relief (受灾人员救助)",
    description="Disaster events with graded response levels (R-DR-01).",
    settings_factory=Settings,
    routers=[disasters.router],
    alembic_ini=Path(__file__).resolve().parents[3] / "alembic.ini",
    subscriptions=None,  # relief consumes nothing yet; the worker still relays its outbox
)


def app() -> FastAPI:
    return create_app(SPEC)
