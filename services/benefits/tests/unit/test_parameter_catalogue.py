"""Parameter catalogue: value shapes and validity overlap (R-CA-01)."""

import datetime as dt
from decimal import Decimal

import pytest

from socialaid.benefits.domain.parameters import CATALOGUE, ParameterValueError, overlaps, spec_for

D = dt.date


def test_r_ca_01_standard_is_money_with_two_decimals():
    spec = spec_for("dibao.standard")
    assert spec.parse("850") == Decimal("850.00")
    assert spec.parse(850) == Decimal("850.00")
    for bad in ("850.001", "0", "-1", 850.5, "abc", True, {"a": 1}, "NaN"):
        with pytest.raises(ParameterValueError):
            spec.parse(bad)


def test_integer_and_decimal_kinds():
    assert spec_for("dibao.fin_assets_months").parse("24") == Decimal(24)
    with pytest.raises(ParameterValueError):
        spec_for("dibao.fin_assets_months").parse("24.5")
    assert spec_for("edge.multiplier").parse("1.5") == Decimal("1.5")
    with pytest.raises(ParameterValueError):
        spec_for("edge.multiplier").parse("0.9")


def test_unknown_key_has_no_spec():
    assert spec_for("dibao.nonsense") is None
    assert {
        "dibao.standard",
        "dibao.fin_assets_months",
        "dibao.vehicle_exempt_value",
        "dibao.max_properties",
        "edge.multiplier",
    } <= set(CATALOGUE)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2025, 1, 1), None), (D(2026, 7, 1), None), True),
        ((D(2025, 1, 1), D(2026, 6, 30)), (D(2026, 7, 1), None), False),
        ((D(2025, 1, 1), D(2026, 7, 1)), (D(2026, 7, 1), None), True),
        ((D(2027, 1, 1), D(2027, 12, 31)), (D(2026, 7, 1), D(2026, 12, 31)), False),
    ],
)
def test_closed_interval_overlap(a, b, expected):
    assert overlaps(*a, *b) is expected
    assert overlaps(*b, *a) is expected
