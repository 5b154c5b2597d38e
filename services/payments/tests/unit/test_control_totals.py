"""Payroll control totals and their reconciliation with bank results (R-PA-01, R-PA-04)."""

from decimal import Decimal

from socialaid.payments.domain.coverage import covered_regions, payroll_region_problem
from socialaid.payments.domain.payroll import Totals, backoff_seconds, outcome

D = Decimal


def test_r_pa_04_totals_are_exact_decimals():
    t = Totals.of([D("0.10"), D("0.20"), D("630.35")])
    assert t == Totals(3, D("630.65"))
    assert Totals.of([]) == Totals(0, D("0.00"))


def test_r_pa_04_settled_plus_failed_reconciles_with_control():
    control = Totals.of([D("630.00"), D("315.50"), D("100.00")])
    state = outcome(
        control, [("settled", D("630.00")), ("failed", D("315.50")), ("settled", D("100.00"))]
    )
    assert state.complete and state.reconciles
    assert state.settled == Totals(2, D("730.00")) and state.failed == Totals(1, D("315.50"))


def test_r_pa_04_pending_instructions_keep_payroll_open():
    control = Totals.of([D("1.00"), D("2.00")])
    state = outcome(control, [("settled", D("1.00")), ("pending", D("2.00"))])
    assert not state.complete and state.reconciles


def test_r_pa_04_a_missing_or_altered_amount_does_not_reconcile():
    control = Totals.of([D("1.00"), D("2.00")])
    assert not outcome(control, [("settled", D("1.00")), ("failed", D("2.01"))]).reconciles
    assert not outcome(control, [("settled", D("1.00"))]).reconciles


def test_backoff_grows_and_is_capped():
    assert [backoff_seconds(n, base=2, maximum=10) for n in (1, 2, 3, 4, 5)] == [2, 4, 8, 10, 10]


def test_payroll_regions_county_and_city():
    assert covered_regions("141102") == ["141102"]
    city = covered_regions("141100")
    assert "141100" in city and "141102" in city and "141182" in city and "110108" not in city
    assert payroll_region_problem("141102") is None and payroll_region_problem("141100") is None
    assert payroll_region_problem("999999") and payroll_region_problem("140000")
