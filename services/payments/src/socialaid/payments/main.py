"""Payments service definition and app factory (nothing runs at import)."""

from pathlib import Path

from fastapi import FastAPI

from socialaid.payments import consumers
from socialaid.payments.api import adjustments, entitlements, funds, payments, payrolls
from socialaid.payments.config import Settings
from socialaid.payments.jobs import disburse_payrolls
from socialaid.web.service import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="payments",
    title="Payments (资金发放)",
    description="Entitlement schedules, monthly payrolls with control totals, bank instructions and the "
    "fund ledger (R-PA-01, R-PA-03, R-PA-04).",
    settings_factory=Settings,
    routers=[
        payrolls.router,
        payments.router,
        entitlements.router,
        funds.router,
        adjustments.router,
    ],
    alembic_ini=Path(__file__).resolve().parents[3] / "alembic.ini",
    subscriptions=consumers.subscriptions,
    background_jobs=(disburse_payrolls,),
)


def app() -> FastAPI:
    return create_app(SPEC)
