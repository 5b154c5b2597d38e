"""Referral service definition and app factory (nothing runs at import)."""

from pathlib import Path

from fastapi import FastAPI

from socialaid.referral import consumers, jobs
from socialaid.referral.api import departments, holidays, referrals
from socialaid.referral.config import Settings
from socialaid.web.service import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="referral",
    title="Referral (转办转介)",
    description="Department subscriptions and signed webhook deliveries of case events; referrals with "
    "working-day deadlines, department reports and escalation of overdue referrals.",
    settings_factory=Settings,
    routers=[departments.router, referrals.router, holidays.router],
    alembic_ini=Path(__file__).resolve().parents[3] / "alembic.ini",
    subscriptions=consumers.subscriptions,
    background_jobs=(jobs.webhook_job, jobs.overdue_job),
)


def app() -> FastAPI:
    return create_app(SPEC)
