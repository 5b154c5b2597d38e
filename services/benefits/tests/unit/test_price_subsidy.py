"""Temporary price subsidy: start conditions, covered categories, base × rise (R-CA-10, R-CA-12).

Parameters are the demonstration seeds of migration 0009 (thresholds 3.5 % CPI / 6 % food, food
weight 0.30, dibao and tekun covered, monthly index figures 2026-01 … 2026-07) with the tekun
seeds of migration 0004 and a dibao standard of 800.00 (850.00 from 2026-07), so these tests
also prove the seeded values parse and assess.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.benefits.tests.support.benefits_testing import load_seed
from socialaid.benefits.domain import engine, first_day, price_subsidy, tekun
from socialaid.benefits.domain.household import Household, Member, PriceSubsidyRequest
from socialaid.benefits.domain.parameters import ParameterUsed, ParameterValueError
from socialaid.benefits.domain.result import InvalidHousehold, MissingParameters
from socialaid.benefits.domain.trace import Trace
from socialaid.benefits.use_cases.canonical import household_from_json, to_json

D = Decimal


SEED = load_seed("2026_11_22_0009_seed_price_linkage_parameters.py")
TEKUN_SEED = load_seed("2026_11_22_0004_seed_programme_parameters.py")


def used(key, value):
    return ParameterUsed(key, value, "141100", dt.date(2025, 1, 1), None, f"id-{key}")


def params(month="2026-06", standard=None, drop=(), **over):
    day = first_day(month)
    out = {}
    for k, r, v, f, t, _s in SEED + TEKUN_SEED:
        wanted = k.startswith("price.") or k in tekun.BASIC_KEYS
        if wanted and f <= day and (t is None or day <= t):
            out[k] = ParameterUsed(k, engine.CATALOGUE[k].parse(v), r, f, t, f"id-{k}-{f}")
    standard = standard or ("850.00" if month >= "2026-07" else "800.00")
    out["dibao.standard"] = used("dibao.standard", D(standard))
    for k, v in over.items():
        key = k.replace("__", ".")
        out[key] = used(key, engine.CATALOGUE[key].parse(v))
    for k in drop:
        out.pop(k)
    return out


def hh(recipients=None, month="2026-06", members=None):
    recipients = {"m1": ("dibao",)} if recipients is None else recipients
    members = members or tuple(Member(m, dt.date(1970, 1, 1)) for m in recipients)
    req = PriceSubsidyRequest({m: tuple(c) for m, c in recipients.items()})
    return Household("141100", month, members, price_subsidy=req)


def dibao_household(n=3, month="2026-06"):
    return hh({f"m{i}": ("dibao",) for i in range(1, n + 1)}, month)


def test_r_ca_10_cpi_exactly_at_the_threshold_triggers():
    r = price_subsidy.assess(dibao_household(month="2026-04"), params("2026-04"))  # CPI 3.5 %
    assert r.eligible and r.amount == D("84.00")  # 800 × 3.5 % = 28.00 per person, 3 persons
    assert r.reason_codes == ("CPI_TRIGGERED", "BASIS_CPI")
    assert r.breakdown == {"dibao": D("84.00")}
    assert r.figures["per_person"] == {"m1": D("28.00"), "m2": D("28.00"), "m3": D("28.00")}


def test_r_ca_10_just_below_both_thresholds_pays_nothing():
    r = price_subsidy.assess(dibao_household(month="2026-03"), params("2026-03"))  # 3.4 %, 5.9 %
    assert (r.eligible, r.amount) == (False, D("0.00"))
    assert r.reason_codes == ("PRICE_RISE_BELOW_THRESHOLDS",)
    assert [s.rule_id for s in r.trace.steps] == ["PRICE-TRIG-01"]
    p = params("2026-04", price__cpi_yoy="0.034999")
    r = price_subsidy.assess(dibao_household(month="2026-04"), p)
    assert (r.eligible, r.amount) == (False, D("0.00"))
    p = params("2026-04", price__food_cpi_yoy="0.06")  # food exactly at its threshold
    assert "FOOD_PRICE_TRIGGERED" in price_subsidy.assess(dibao_household(), p).reason_codes


def test_r_ca_10_food_trigger_counts_the_food_rise_at_the_food_weight():
    r = price_subsidy.assess(dibao_household(month="2026-05"), params("2026-05"))  # 3.1 %, 6.6 %
    assert r.reason_codes == ("FOOD_PRICE_TRIGGERED", "BASIS_FOOD")
    assert r.figures["rate"] == D("0.0198")  # 6.6 % × 0.30
    assert r.amount == D("47.52")  # 800 × 1.98 % = 15.84 per person, 3 persons
    rate = next(s for s in r.trace.to_list() if s["rule_id"] == "PRICE-RATE-01")
    assert {p["key"] for p in rate["parameters"]} == {"price.food_cpi_yoy", "price.food_weight"}
    assert "6.6%×食品消费支出占比30%=1.98%" in rate["说明"]


def test_r_ca_10_both_triggered_takes_the_larger():
    r = price_subsidy.assess(dibao_household(1), params("2026-06"))  # 3.6 % vs 6.2 % × 0.30
    assert r.reason_codes == ("CPI_TRIGGERED", "FOOD_PRICE_TRIGGERED", "BASIS_CPI")
    assert r.amount == D("28.80")  # 800 × 3.6 %, not 800 × 1.86 % = 14.88
    r = price_subsidy.assess(dibao_household(1), params("2026-06", price__food_weight="1"))
    assert r.reason_codes[-1] == "BASIS_FOOD" and r.amount == D("49.60")  # 800 × 6.2 %
    rate = next(s for s in r.trace.steps if s.rule_id == "PRICE-RATE-01")
    assert "从高" in rate.explanation


def test_r_ca_10_tekun_base_is_the_tekun_basic_living_standard():
    p = params("2026-06")
    r = price_subsidy.assess(hh({"t1": ("tekun",)}), p)
    basic = tekun.basic_standard(p, Trace())
    assert basic == D("1040.00")  # max(1.3 × 800, 0.6 × 16,800 ÷ 12)
    assert r.amount == D("37.44") and r.figures["bases"] == {"tekun": basic}  # 1,040 × 3.6 %
    assert [s.rule_id for s in r.trace.steps].count("TEKUN-BASIC-01") == 1
    # the consumption floor of the tekun standard carries over: 0.6 × 30,000 ÷ 12 = 1,500
    p = params("2026-06", tekun__consumption_last_year="30000.00")
    assert price_subsidy.assess(hh({"t1": ("tekun",)}), p).amount == D("54.00")
    # July: standard 850 → tekun basic 1,105, CPI 3.8 %
    r = price_subsidy.assess(hh({"t1": ("tekun",)}, month="2026-07"), params("2026-07"))
    assert r.amount == D("41.99")  # 1,105 × 3.8 % = 41.99
    with pytest.raises(MissingParameters):
        price_subsidy.assess(hh({"t1": ("tekun",)}), params(drop=("tekun.basic_multiplier",)))


def test_r_ca_10_a_household_with_dibao_and_tekun_recipients_adds_both():
    r = price_subsidy.assess(hh({"m1": ("dibao",), "m2": ("dibao",), "t": ("tekun",)}), params())
    assert r.breakdown == {"dibao": D("57.60"), "tekun": D("37.44")}
    assert r.amount == D("95.04") and r.figures["covered_persons"] == 2 + 1


def test_r_ca_10_a_person_outside_the_covered_categories_gets_nothing():
    r = price_subsidy.assess(hh({"m1": ("edge",)}), params())
    assert (r.eligible, r.amount) == (False, D("0.00"))
    assert r.reason_codes[-2:] == ("CATEGORY_NOT_COVERED", "NO_COVERED_RECIPIENT")
    r = price_subsidy.assess(hh({"m1": ("dibao",), "m2": ("orphan",)}), params())
    assert r.amount == D("28.80") and "CATEGORY_NOT_COVERED" in r.reason_codes
    assert r.figures["per_person"] == {"m1": D("28.80")}
    # members named nowhere, or no longer counted (deceased), are not paid either
    members = (
        Member("m1", dt.date(1970, 1, 1)),
        Member("m2", dt.date(1972, 1, 1)),
        Member("m3", dt.date(1940, 1, 1), exclusion="deceased"),
    )
    r = price_subsidy.assess(hh({"m1": ("dibao",), "m3": ("dibao",)}, members=members), params())
    assert r.amount == D("28.80")
    scope = next(s for s in r.trace.steps if s.rule_id == "PRICE-SCOPE-01")
    assert scope.result["not_counted"] == ["m3"] and "不计入家庭成员" in scope.explanation


def test_r_ca_10_a_region_adds_categories_and_pays_each_person_once_at_the_higher():
    table = {
        "dibao": {"base": "dibao_standard"},
        "tekun": {"base": "tekun_basic"},
        "orphan": {"amount": "1500.00"},
        "unemployment_insurance": {"base": "dibao_standard"},
    }
    p = params(price__covered_categories=table)
    r = price_subsidy.assess(hh({"c": ("orphan", "dibao"), "u": ("unemployment_insurance",)}), p)
    assert r.figures["per_person"] == {"c": D("54.00"), "u": D("28.80")}  # 1,500 / 800 × 3.6 %
    assert r.breakdown == {"orphan": D("54.00"), "unemployment_insurance": D("28.80")}
    amt = next(s for s in r.trace.steps if s.result.get("per_person") == D("54.00"))
    assert "发放一次" in amt.explanation


def test_r_ca_10_rounded_half_up_to_the_fen_per_person():
    p = params("2026-07", price__cpi_yoy="0.0365")  # 850 × 3.65 % = 31.025
    r = price_subsidy.assess(dibao_household(3, "2026-07"), p)
    assert r.figures["per_person"]["m1"] == D("31.03")  # HALF_EVEN would give 31.02
    assert r.amount == D("93.09")  # per person rounded, then × 3 (not 93.075 → 93.08)


def test_r_ca_10_minimum_per_person():
    p = params("2026-04", price__min_per_person="30.00")  # 800 × 3.5 % = 28.00 < 30
    r = price_subsidy.assess(dibao_household(2, "2026-04"), p)
    assert r.amount == D("60.00") and "RAISED_TO_MINIMUM" in r.reason_codes
    p = params("2026-03", price__min_per_person="30.00")  # not triggered: no minimum either
    assert price_subsidy.assess(dibao_household(2, "2026-03"), p).amount == D("0.00")


def test_r_ca_10_a_month_without_index_figures_cannot_be_assessed():
    with pytest.raises(MissingParameters) as exc:
        price_subsidy.assess(dibao_household(month="2026-08"), params("2026-08"))
    assert set(exc.value.keys) == {"price.cpi_yoy", "price.food_cpi_yoy"}
    assert "price.cpi_yoy" in price_subsidy.REQUIRED_KEYS


def test_r_ca_10_bad_requests_are_refused():
    with pytest.raises(InvalidHousehold):
        price_subsidy.assess(
            Household("141100", "2026-06", (Member("m1", dt.date(1970, 1, 1)),)), params()
        )
    with pytest.raises(InvalidHousehold):
        price_subsidy.assess(
            hh({"nobody": ("dibao",)}, members=(Member("m1", dt.date(1970, 1, 1)),)), params()
        )


def test_r_ca_12_trace_names_every_parameter_used_and_each_step_has_a_line():
    p = params("2026-06", price__min_per_person="10.00")
    r = price_subsidy.assess(hh({"m1": ("dibao",), "t": ("tekun",)}), p)
    steps = r.trace.to_list()
    assert [s["rule_id"] for s in steps] == [
        "PRICE-TRIG-01",
        "PRICE-SCOPE-01",
        "PRICE-RATE-01",
        "PRICE-BASE-01",
        "TEKUN-BASIC-01",
        "PRICE-BASE-01",
        "PRICE-AMT-01",
        "PRICE-AMT-01",
        "PRICE-TOTAL-01",
    ]
    for s in steps:
        assert s["rule_id"] and s["legal_ref"] and s["说明"].strip()
        for q in s["parameters"]:
            assert set(q) >= {"key", "value", "region_code", "valid_from", "parameter_id"}
    named = {q["key"] for s in steps for q in s["parameters"]}
    assert named == {q.key for q in r.parameters} == set(p)
    trig = steps[0]
    cpi = next(q for q in trig["parameters"] if q["key"] == "price.cpi_yoy")
    assert (cpi["value"], cpi["valid_from"]) == ("0.036", "2026-06-01")
    assert "3.6%" in trig["说明"] and "达到3.5%" in trig["说明"]
    assert "合计66.24元" in steps[-1]["说明"]  # 28.80 + 37.44
    # the decision's parameters are the versions its trace names, no more
    r = price_subsidy.assess(dibao_household(), p)
    assert {q.key for q in r.parameters} == set(p) - set(tekun.BASIC_KEYS) | {"dibao.standard"}
    r = price_subsidy.assess(dibao_household(month="2026-03"), params("2026-03"))
    assert {q.key for q in r.parameters} == {
        "price.cpi_yoy",
        "price.food_cpi_yoy",
        "price.cpi_threshold",
        "price.food_threshold",
    }


def test_r_ca_10_seeded_values_parse_and_the_table_is_validated():
    keys = {k for k, *_ in SEED}
    assert keys == {s.key for s in price_subsidy.PARAMETERS}
    assert set(price_subsidy.REQUIRED_KEYS + price_subsidy.OPTIONAL_KEYS) <= set(engine.CATALOGUE)
    for key, region, value, valid_from, valid_to, source in SEED:
        engine.CATALOGUE[key].parse(value)
        assert source.startswith(("[N]", "[L]", "[D]")) and "R-CA-10" in source
        assert region in {"141100", "000000"}
        if key in {"price.cpi_yoy", "price.food_cpi_yoy"}:  # one benefit month each
            assert valid_to is not None
            assert valid_from.day == 1 and valid_to.month == valid_from.month
            assert (valid_to + dt.timedelta(days=1)).day == 1 and source.startswith("[D]")
        if key in {"price.cpi_threshold", "price.food_threshold"}:
            assert source.startswith("[N]") and region == "000000"
    spec = engine.CATALOGUE["price.covered_categories"]
    for bad in (
        {},
        ["dibao"],
        {"dibao": {"base": "median_income"}},
        {"dibao": {"base": "dibao_standard", "amount": "1"}},
        {"orphan": {"amount": 1500.5}},
        {"orphan": {"amount": "-1"}},
        {"Orphan!": {"amount": "1500"}},
    ):
        with pytest.raises(ParameterValueError):
            spec.parse(bad)
    for key, wrong in (
        ("price.cpi_threshold", "0"),
        ("price.food_weight", "1.2"),
        ("price.cpi_yoy", 0.03),
    ):
        with pytest.raises(ParameterValueError):
            engine.CATALOGUE[key].parse(wrong)
    assert engine.assess("price_subsidy", dibao_household(), params()).amount == D("86.40")


def test_r_ca_12_price_subsidy_household_round_trips_through_its_canonical_json():
    h = hh({"m1": ("dibao",), "m2": ("orphan", "tekun")})
    assert household_from_json(to_json(h)) == h
    stored = to_json(Household("141100", "2026-06", (Member("m1", dt.date(1970, 1, 1)),)))
    del stored["price_subsidy"]  # a household stored before the price subsidy existed
    assert household_from_json(stored).price_subsidy is None


@given(
    cpi_low=st.decimals(min_value=D("-0.05"), max_value=D("0.20"), places=4),
    step=st.decimals(min_value=D("0"), max_value=D("0.10"), places=4),
    food=st.decimals(min_value=D("-0.05"), max_value=D("0.20"), places=4),
    weight=st.decimals(min_value=D("0.01"), max_value=D("1"), places=2),
    standard=st.decimals(min_value=D("100"), max_value=D("3000"), places=2),
    minimum=st.decimals(min_value=D("0"), max_value=D("50"), places=2),
    recipients=st.dictionaries(
        st.sampled_from(["m1", "m2", "m3", "m4"]),
        st.lists(st.sampled_from(["dibao", "tekun", "edge"]), min_size=1, max_size=3),
        min_size=1,
    ),
)
def test_r_ca_10_property_never_negative_and_never_less_when_the_cpi_rises_more(
    cpi_low, step, food, weight, standard, minimum, recipients
):
    household = hh(recipients)
    common = {
        "price__food_cpi_yoy": str(food),
        "price__food_weight": str(weight),
        "price__min_per_person": str(minimum),
    }
    low = price_subsidy.assess(
        household, params(standard=str(standard), price__cpi_yoy=str(cpi_low), **common)
    )
    high = price_subsidy.assess(
        household,
        params(standard=str(standard), price__cpi_yoy=str(min(cpi_low + step, D(1))), **common),
    )
    for r in (low, high):
        assert r.amount >= 0 and r.amount == sum(r.breakdown.values(), D(0))
        assert r.eligible is (r.amount > 0)
    assert high.amount >= low.amount
