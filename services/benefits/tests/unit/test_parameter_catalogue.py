"""Parameter catalogue: value shapes, dibao tables, the seeded demo set, validity overlap (R-CA-01)."""

import datetime as dt
from decimal import Decimal

import pytest

from services.benefits.tests.support.benefits_testing import load_seed
from socialaid.benefits.domain import dibao, engine
from socialaid.benefits.domain import parameters as parameters_module
from socialaid.benefits.domain.engine import CATALOGUE, spec_for
from socialaid.benefits.domain.parameters import ParameterSpec, ParameterValueError, overlaps

D = dt.date


def spec(key: str) -> ParameterSpec:
    """The catalogue's spec for ``key`` (``spec_for`` answers None for an unknown key)."""
    found = spec_for(key)
    assert found is not None, f"no parameter spec for {key}"
    return found


def test_r_ca_01_standard_is_money_with_two_decimals():
    standard = spec("dibao.standard")
    assert standard.parse("850") == Decimal("850.00")
    assert standard.parse(850) == Decimal("850.00")
    for bad in ("850.001", "0", "-1", 850.5, "abc", True, {"a": 1}, "NaN"):
        with pytest.raises(ParameterValueError):
            standard.parse(bad)


def test_r_ca_01_integer_and_decimal_kinds():
    assert spec("dibao.fin_assets_months").parse("24") == Decimal(24)
    with pytest.raises(ParameterValueError):
        spec("dibao.fin_assets_months").parse("24.5")
    assert spec("edge.multiplier").parse("1.5") == Decimal("1.5")
    for key, bad in (
        ("edge.multiplier", "0.9"),
        ("dibao.employment_cost_rate", "1.01"),
        ("dibao.taper_months", "7"),
        ("income.deduct_rigid_medical", "2"),
        ("dibao.job_refusal_limit", "0"),
    ):
        with pytest.raises(ParameterValueError):
            spec(key).parse(bad)


def test_r_ca_01_the_catalogue_is_the_engines_and_dibao_declares_its_keys():
    assert not hasattr(parameters_module, "CATALOGUE")
    assert spec_for("dibao.nonsense") is None
    assert set(dibao.REQUIRED_KEYS) | set(dibao.OPTIONAL_KEYS) <= set(CATALOGUE)
    owned = {s.key for s in dibao.PARAMETERS}
    prefixes = ("dibao.", "edge.", "rigid.", "income.", "support.", "review.")
    assert all(k.startswith(prefixes) for k in owned)
    assert {
        "dibao.standard",
        "dibao.employment_cost_rate",
        "dibao.method",
        "dibao.tiers",
        "dibao.addon_rates",
        "dibao.taper_months",
        "dibao.job_refusal_limit",
        "support.rate_le2_children",
        "rigid.share_of_income",
        "review.frequencies",
    } <= owned
    assert engine.keys_for("dibao") == dibao.REQUIRED_KEYS + dibao.OPTIONAL_KEYS


TIER = {"tier": "A", "max_per_capita_income": "200.00", "amount_per_person": "495.00"}


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("dibao.method", {"method": "average"}),
        ("dibao.method", {"method": "gap", "extra": 1}),
        ("dibao.method", ["gap"]),
        ("dibao.tiers", []),
        ("dibao.tiers", [TIER, {**TIER, "tier": "B"}]),  # bounds must rise
        ("dibao.tiers", [TIER, {**TIER, "tier": "B", "max_per_capita_income": "300", "amount_per_person": "500"}]),
        ("dibao.tiers", [{**TIER, "max_per_capita_income": None}, {**TIER, "tier": "B"}]),
        ("dibao.tiers", [{**TIER, "amount_per_person": 495.0}]),
        ("dibao.tiers", [{**TIER, "amount_per_person": "495.001"}]),
        ("dibao.addon_rates", {"minor": "0.10"}),
        ("dibao.addon_rates", {"serious_illness": "1.5", "severe_disability": "0.2", "aged_70": "0.1", "minor": "0.1"}),
        ("income.excluded_categories", ["lottery"]),
        ("income.excluded_categories", ["wages"]),
        ("income.excluded_categories", "disability_subsidy"),
        ("review.frequencies", {"stable_income": "quarterly"}),  # no default
        ("review.frequencies", {"default": "weekly"}),
        ("review.frequencies", {"default": "annual", "lucky": "annual"}),
    ],
)  # fmt: skip
def test_r_ca_01_dibao_tables_are_validated(key, bad):
    with pytest.raises(ParameterValueError):
        spec(key).parse(bad)


def test_r_ca_01_seeded_demo_values_fit_their_specs_and_cover_every_dibao_key():
    seeds = load_seed("2026_11_22_0002_seed_demo_parameters.py") + load_seed(
        "2026_11_22_0003_seed_dibao_parameters.py"
    )
    for key, region, value, valid_from, valid_to, source in seeds:
        if key not in {s.key for s in dibao.PARAMETERS}:
            continue
        parsed = spec(key).parse(value)
        assert parsed == value or isinstance(value, Decimal)
        assert source.startswith(("[N]", "[L]", "[D]")) and "rules.md" in source
        assert region in {"141100", "000000"} and (valid_to is None or valid_to >= valid_from)
    seeded = {s[0] for s in seeds}
    assert {s.key for s in dibao.PARAMETERS} <= seeded


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
