"""Benefits service definition and app factory (nothing runs at import)."""

from pathlib import Path

from fastapi import FastAPI

from socialaid.benefits import consumers
from socialaid.benefits.api import assessments, parameters, recalculations
from socialaid.benefits.config import Settings
from socialaid.benefits.recalculation.run import recalculation_job
from socialaid.web.service import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="benefits",
    title="Benefits (待遇测算)",
    description="Dated policy parameters per region and explainable benefit assessments.",
    settings_factory=Settings,
    routers=[parameters.router, assessments.router, recalculations.router],
    alembic_ini=Path(__file__).resolve().parents[3] / "alembic.ini",
    subscriptions=consumers.subscriptions,
    background_jobs=(recalculation_job,),
)


def app() -> FastAPI:
    return create_app(SPEC)
