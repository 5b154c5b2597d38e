"""Payroll totals for Prometheus (R-PA-04): one series per region, programme and month."""

from __future__ import annotations

from prometheus_client import Gauge

from socialaid.payments.schemas import PayrollRead

_LABELS = ["region_code", "programme", "month"]
CONTROL_COUNT = Gauge(
    "socialaid_payroll_control_count", "Instructions in the locked payroll", _LABELS
)
CONTROL_TOTAL = Gauge(
    "socialaid_payroll_control_total_yuan", "Control total of the locked payroll", _LABELS
)
SETTLED_TOTAL = Gauge("socialaid_payroll_settled_total_yuan", "Amount the bank settled", _LABELS)
FAILED_TOTAL = Gauge("socialaid_payroll_failed_total_yuan", "Amount the bank failed", _LABELS)


def record_payroll(summary: PayrollRead) -> None:
    labels = (summary.region_code, summary.programme, summary.month)
    CONTROL_COUNT.labels(*labels).set(summary.control_count)
    CONTROL_TOTAL.labels(*labels).set(float(summary.control_total))
    SETTLED_TOTAL.labels(*labels).set(float(summary.settled_total))
    FAILED_TOTAL.labels(*labels).set(float(summary.failed_total))
