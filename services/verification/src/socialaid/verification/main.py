"""Verification service definition and app factory (nothing runs at import)."""

from pathlib import Path

from fastapi import FastAPI

from socialaid.verification import consumers
from socialaid.verification.api import verifications
from socialaid.verification.config import Settings
from socialaid.web.service import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="verification",
    title="Verification (家庭经济状况核对)",
    description="Consent check, department queries, evidence snapshots, verified income and assets, "
    "discrepancy reports.",
    settings_factory=Settings,
    routers=[verifications.router],
    alembic_ini=Path(__file__).resolve().parents[3] / "alembic.ini",
    subscriptions=consumers.subscriptions,
)


def app() -> FastAPI:
    return create_app(SPEC)
