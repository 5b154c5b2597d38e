"""Intake service definition and app factory (nothing runs at import)."""

from pathlib import Path

from fastapi import FastAPI

from socialaid.intake import consumers
from socialaid.intake.api import applications, cases
from socialaid.intake.config import Settings
from socialaid.web.service import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="intake",
    title="Intake (一门受理)",
    description="One-window applications, household rosters, consent and the case lifecycle.",
    settings_factory=Settings,
    routers=[applications.router, cases.router],
    alembic_ini=Path(__file__).resolve().parents[3] / "alembic.ini",
    subscriptions=consumers.subscriptions,
)


def app() -> FastAPI:
    return create_app(SPEC)
