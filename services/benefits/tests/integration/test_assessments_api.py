"""POST/GET /v1/assessments on a real, migrated database (R-CA-01, R-CA-02, R-CA-10, R-CA-12).

Every programme of the engine is reachable; the answer carries the decision (eligibility,
amount, reason codes, flags, approval level, review frequency, breakdown, figures) and its
identifiers (assessment, rule set, parameter snapshot, input hash). Bad input is problem+json
and stores nothing.
"""

import hashlib
import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.integration

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def adults(income: str = "1200.00") -> list[dict[str, Any]]:
    """Three working-age adults (no add-on applies), all income on the applicant as ``other``."""
    return [
        {"birth_date": "1980-01-01", "relationship": "applicant", "incomes": {"other": income}},
        {"birth_date": "1982-02-02", "relationship": "spouse"},
        {"birth_date": "2000-03-03", "relationship": "child"},
    ]


def body(**over):
    b = {
        "programme": "dibao",
        "region_code": "141102",
        "benefit_month": "2026-06",
        "members": adults(),
        "assets": {"financial": "5000.00", "residential_properties": 1},
    }
    b.update(over)
    return b


def sha256_canonical(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def post(client, **over):
    r = await client.post("/v1/assessments", json=body(**over))
    assert r.status_code == 201, r.text
    return r.json()


async def test_r_ca_02_dibao_answer_carries_decision_and_identifiers(client, sql):
    a = await post(client)
    assert a["eligible"] is True
    assert a["amount"] == "1200.00"  # 800 × 3 − 1200
    assert "INCOME_BELOW_STANDARD" in a["reason_codes"]
    assert (a["standard"], a["per_capita_income"], a["household_size"]) == ("800.00", "400.00", 3)
    assert isinstance(a["flags"], list) and isinstance(a["breakdown"], dict)
    assert a["review_frequency"] in {"monthly", "quarterly", "semiannual", "annual"}
    assert a["rule_set_version"].startswith("dibao")
    assert HEX64.match(a["parameter_snapshot_id"]) and HEX64.match(a["input_hash"])
    assert {p["key"] for p in a["parameters"]} >= {"dibao.standard"}
    url = f"/v1/assessments/{a['assessment_id']}"
    assert (a["case_id"], a["trace_url"], a["replay_url"]) == (
        None,
        f"{url}/trace",
        f"{url}/replay",
    )
    got = await client.get(url)
    assert got.status_code == 200 and got.json() == a
    # The identifiers are what they claim: sha256 of the canonical input / parameters used.
    row = await sql.fetchrow(
        "select input, parameters from assessment where id = $1::uuid", a["assessment_id"]
    )
    stored = json.loads(row["input"])
    canonical = {k: stored[k] for k in ("programme", "region_code", "benefit_month", "household")}
    assert a["input_hash"] == sha256_canonical(canonical)
    params = sorted(json.loads(row["parameters"]), key=lambda p: p["key"])
    assert a["parameter_snapshot_id"] == sha256_canonical(params)
    assert stored["household"]["members"][0]["incomes"] == {"other": "1200.00"}


async def test_r_ca_12_input_hash_is_canonical(client):
    """Key order, omitted defaults and "1200" vs "1200.00" do not change the input hash."""
    a = await post(client)
    members = [dict(reversed(list(m.items()))) for m in adults("1200")]
    members[1]["labour_capacity"] = "full"  # the default, spelled out
    b = await post(
        client, members=members, assets={"residential_properties": 1, "financial": "5000"}
    )
    assert b["input_hash"] == a["input_hash"] and b["assessment_id"] != a["assessment_id"]
    c = await post(client, members=adults("1200.01"))
    assert c["input_hash"] != a["input_hash"]


async def test_r_ca_01_mid_year_rise_changes_july_not_june(client):
    june = await post(client, benefit_month="2026-06")
    july = await post(client, benefit_month="2026-07")
    assert (june["standard"], june["amount"]) == ("800.00", "1200.00")
    assert (july["standard"], july["amount"]) == ("850.00", "1350.00")
    assert june["parameter_snapshot_id"] != july["parameter_snapshot_id"]


async def test_r_ca_12_trace_every_step_has_rule_reference_parameters_and_explanation(client):
    a = await post(client, benefit_month="2026-07")
    r = await client.get(a["trace_url"])
    assert r.status_code == 200
    trace = r.json()
    assert (trace["assessment_id"], trace["programme"]) == (a["assessment_id"], "dibao")
    assert trace["rule_set_version"] == a["rule_set_version"]
    assert trace["parameter_snapshot_id"] == a["parameter_snapshot_id"]
    assert len(trace["steps"]) >= 3
    for step in trace["steps"]:
        assert set(step) >= {"rule_id", "legal_ref", "inputs", "parameters", "result", "说明"}
        assert step["rule_id"] and step["legal_ref"] and step["说明"].strip()
        for p in step["parameters"]:
            assert set(p) >= {"key", "value", "region_code", "valid_from", "parameter_id"}
    used = [p for s in trace["steps"] for p in s["parameters"] if p["key"] == "dibao.standard"]
    assert used and all(
        (p["value"], p["region_code"], p["valid_from"]) == ("850.00", "141100", "2026-07-01")
        for p in used
    )
    assert any("1,350.00" in s["说明"] for s in trace["steps"])


async def test_r_ca_03_assets_over_the_limits_make_the_household_ineligible(client):
    a = await post(
        client,
        assets={
            "financial": "57600.01",  # 24 × 800 × 3 = 57,600
            "vehicles": [{"kind": "car", "value": "80000.00"}],
            "residential_properties": 2,
        },
    )
    assert a["eligible"] is False and a["amount"] == "0.00"
    assert {"FIN_ASSETS_OVER_LIMIT", "VEHICLE_OWNED", "TOO_MANY_PROPERTIES"} <= set(
        a["reason_codes"]
    )


async def test_r_ca_02_edge_household_is_flagged_not_paid(client):
    """Per-capita 1,000 is not below 850 but below 1.5 × 850: an edge household, no dibao cash."""
    a = await post(client, benefit_month="2026-07", members=adults("3000.00"))
    assert (a["eligible"], a["amount"]) == (False, "0.00")
    assert "EDGE_HOUSEHOLD" in a["flags"] and "INCOME_BELOW_STANDARD" not in a["reason_codes"]


async def test_r_ca_01_excluded_members_are_listed_not_counted(client):
    members = [*adults(), {"birth_date": "1940-01-01", "exclusion": "deceased"}]
    a = await post(client, members=members)
    assert a["household_size"] == 3 and a["amount"] == "1200.00"


BAD = [
    ({"programme": "pension"}, "programme_not_supported"),
    ({"region_code": "999999"}, "validation_failed"),
    ({"region_code": "000000"}, "validation_failed"),
    ({"region_code": "110108"}, "no_parameter_in_force"),  # known region, nothing in force
    ({"benefit_month": "2024-12"}, "no_parameter_in_force"),  # before every version
    ({"benefit_month": "2026-13"}, "validation_failed"),
    ({"known_at": "2000-01-01T00:00:00+08:00"}, "no_parameter_in_force"),  # nothing known yet
    ({"known_at": "2999-01-01T00:00:00+08:00"}, "validation_failed"),
    ({"known_at": "2026-01-01T00:00:00"}, "validation_failed"),  # no time zone
    ({"members": adults("-1.00")}, "validation_failed"),  # negative income
    ({"members": adults("1.005")}, "validation_failed"),
    ({"members": [{"birth_date": "1980-01-01", "incomes": {"other": 12.5}}]}, "validation_failed"),
    ({"members": [{"birth_date": "1980-01-01", "incomes": {"lottery": "1"}}]}, "validation_failed"),
    ({"members": []}, "validation_failed"),
    ({"members": [{"birth_date": "2030-01-01"}]}, "validation_failed"),
    ({"members": [{"birth_date": "1980-01-01", "id_number": "x"}]}, "validation_failed"),
    ({"members": [{"birth_date": "1980-01-01", "disability_grade": 5}]}, "validation_failed"),
    ({"members": [{"birth_date": "1980-01-01", "adl_unable": 7}]}, "validation_failed"),
    (
        {"members": [{"birth_date": "1980-01-01", "member_id": "a"}] * 2},
        "validation_failed",
    ),
    ({"single_person_member_id": "nobody"}, "validation_failed"),
    ({"assets": {"financial": "-1"}}, "validation_failed"),
    ({"assets": {"vehicles": 2}}, "validation_failed"),
    ({"obligors": [{"household_per_capita_income": "-5.00"}]}, "validation_failed"),
    (
        {"programme": "education", "grant": {"programme": "housing", "category": "x"}},
        "validation_failed",
    ),
    (
        {"temporary": {"kind": "emergency", "event_id": "e", "tier_multiple": 2.5}},
        "validation_failed",
    ),
    ({"surprise": True}, "validation_failed"),
    # The rules refuse what they cannot assess: a medical grant without the medical bill.
    ({"programme": "medical"}, "invalid_household"),
    ({"programme": "education"}, "invalid_household"),
    ({"programme": "price_subsidy"}, "invalid_household"),
    ({"price_subsidy": {"recipients": {"m9": ["dibao"]}}}, "validation_failed"),
    ({"price_subsidy": {"recipients": {"m1": []}}}, "validation_failed"),
    ({"price_subsidy": {"recipients": {"m1": ["Dibao!"]}}}, "validation_failed"),
]


@pytest.mark.parametrize(("override", "code"), BAD)
async def test_bad_assessment_input_is_problem_json_and_stores_nothing(
    client, counts, override, code
):
    before = await counts()
    r = await client.post("/v1/assessments", json=body(**override))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    assert await counts() == before


DIBAO_RECIPIENTS = {"recipients": {"m1": ["dibao"], "m2": ["dibao"], "m3": ["dibao"]}}


async def test_r_ca_10_price_subsidy_pays_the_base_times_the_rise_and_explains_it(client):
    a = await post(client, programme="price_subsidy", price_subsidy=DIBAO_RECIPIENTS)
    assert (a["eligible"], a["amount"]) == (True, "86.40")  # 800 × CPI 3.6 % = 28.80, 3 persons
    assert a["reason_codes"] == ["CPI_TRIGGERED", "FOOD_PRICE_TRIGGERED", "BASIS_CPI"]
    assert a["breakdown"] == {"dibao": "86.40"} and a["rule_set_version"].startswith("price")
    assert a["figures"]["per_person"] == {"m1": "28.80", "m2": "28.80", "m3": "28.80"}
    trace = (await client.get(a["trace_url"])).json()
    assert [s["rule_id"] for s in trace["steps"]] == [
        "PRICE-TRIG-01",
        "PRICE-SCOPE-01",
        "PRICE-RATE-01",
        "PRICE-BASE-01",
        "PRICE-AMT-01",
        "PRICE-TOTAL-01",
    ]
    assert all(s["legal_ref"] and s["说明"].strip() for s in trace["steps"])
    named = {p["key"]: p for s in trace["steps"] for p in s["parameters"]}
    assert set(named) == {p["key"] for p in a["parameters"]}  # exactly the versions used
    assert "dibao.standard" in named and "tekun.basic_multiplier" not in named
    cpi = named["price.cpi_yoy"]
    assert (cpi["value"], cpi["region_code"], cpi["valid_from"]) == (
        "0.036",
        "141100",
        "2026-06-01",
    )
    assert named["price.cpi_threshold"]["region_code"] == "000000"
    assert "合计86.40元" in trace["steps"][-1]["说明"]


async def test_r_ca_10_price_subsidy_of_a_tekun_recipient_uses_the_tekun_standard(client):
    members = [{"birth_date": "1940-05-05", "labour_capacity": "none"}]
    a = await post(
        client,
        programme="price_subsidy",
        benefit_month="2026-07",
        members=members,
        price_subsidy={"recipients": {"m1": ["tekun"]}},
    )
    assert a["amount"] == "41.99"  # tekun basic 1.3 × 850 = 1,105 × CPI 3.8 %
    trace = (await client.get(a["trace_url"])).json()
    assert "TEKUN-BASIC-01" in [s["rule_id"] for s in trace["steps"]]


async def test_r_ca_10_price_subsidy_below_both_thresholds_pays_nothing(client):
    a = await post(
        client, programme="price_subsidy", benefit_month="2026-03", price_subsidy=DIBAO_RECIPIENTS
    )
    assert (a["eligible"], a["amount"]) == (False, "0.00")
    assert a["reason_codes"] == ["PRICE_RISE_BELOW_THRESHOLDS"]


async def test_r_ca_10_a_month_without_index_figures_is_problem_json_and_stores_nothing(
    client, counts
):
    before = await counts()
    r = await client.post(
        "/v1/assessments",
        json=body(
            programme="price_subsidy", benefit_month="2026-08", price_subsidy=DIBAO_RECIPIENTS
        ),
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == "no_parameter_in_force" and problem["as_of"] == "2026-08-01"
    assert sorted(problem["missing_parameters"]) == ["price.cpi_yoy", "price.food_cpi_yoy"]
    assert await counts() == before


async def test_no_parameter_in_force_lists_the_missing_keys(client):
    r = await client.post("/v1/assessments", json=body(benefit_month="2024-12"))
    problem = r.json()
    assert problem["code"] == "no_parameter_in_force"
    assert "dibao.standard" in problem["missing_parameters"] and problem["as_of"] == "2024-12-01"


async def test_unknown_programme_names_the_supported_ones(client):
    r = await client.post("/v1/assessments", json=body(programme="pension"))
    supported = set(r.json()["supported_programmes"])
    assert supported >= {"dibao", "tekun", "medical", "temporary", "disaster_relief", "education"}


async def test_unknown_assessment_is_404(client):
    for path in ("00000000-0000-0000-0000-000000000000", "nope/trace", "nope/replay"):
        r = await client.get(f"/v1/assessments/{path}")
        assert r.status_code == 404 and r.headers["content-type"].startswith(
            "application/problem+json"
        )


async def test_assessment_idempotency_key_replays_and_refuses_another_body(client, counts):
    key = {"Idempotency-Key": "benefits-assess-idem-1"}
    first = await client.post("/v1/assessments", json=body(), headers=key)
    assert first.status_code == 201
    before = await counts()
    again = await client.post("/v1/assessments", json=body(), headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    other = await client.post("/v1/assessments", json=body(benefit_month="2026-07"), headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert await counts() == before
