"""Dibao assessments through the API on a real, migrated database (R-CA-01, R-CA-02, R-CA-12)."""

import datetime as dt

import pytest

pytestmark = pytest.mark.integration


def body(**over):
    b = {
        "programme": "dibao",
        "region_code": "141102",
        "benefit_month": "2026-06",
        "members": [
            {"birth_date": "1980-01-01", "relationship": "applicant"},
            {"birth_date": "1982-02-02", "relationship": "spouse"},
            {"birth_date": "2012-03-03", "relationship": "child"},
        ],
        "verified_monthly_income": "1200.00",
        "assets": {"financial_assets": "5000.00", "vehicles": 0, "properties": 1},
    }
    b.update(over)
    return b


async def test_r_ca_02_assessment_is_stored_with_amount_and_reasons(client):
    r = await client.post("/v1/assessments", json=body())
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["eligible"] is True
    assert a["amount"] == "1200.00"  # 800 × 3 − 1200
    assert a["standard"] == "800.00" and a["per_capita_income"] == "400.00"
    assert a["household_size"] == 3 and a["reason_codes"] == ["INCOME_BELOW_STANDARD"]
    assert a["case_id"] is None and a["trace_url"] == f"/v1/assessments/{a['assessment_id']}/trace"
    got = await client.get(f"/v1/assessments/{a['assessment_id']}")
    assert got.status_code == 200 and got.json() == a


async def test_r_ca_01_mid_year_rise_changes_july_not_june(client):
    june = (await client.post("/v1/assessments", json=body(benefit_month="2026-06"))).json()
    july = (await client.post("/v1/assessments", json=body(benefit_month="2026-07"))).json()
    assert (june["standard"], june["amount"]) == ("800.00", "1200.00")
    assert (july["standard"], july["amount"]) == ("850.00", "1350.00")


async def test_r_ca_12_trace_names_rule_parameter_region_and_figures(client):
    a = (await client.post("/v1/assessments", json=body(benefit_month="2026-07"))).json()
    r = await client.get(a["trace_url"])
    assert r.status_code == 200
    trace = r.json()
    assert trace["rule_set_version"] == a["rule_set_version"]
    steps = {s["rule_id"]: s for s in trace["steps"]}
    amount = steps["DIBAO-AMT-01"]
    assert amount["result"] == {"amount": "1350.00"}
    std = amount["parameters"][0]
    assert (std["key"], std["value"], std["region_code"], std["valid_from"]) == (
        "dibao.standard",
        "850.00",
        "141100",
        "2026-07-01",
    )
    assert "850.00" in amount["说明"] and "1,350.00" in amount["说明"]
    assert steps["DIBAO-AST-01"]["result"]["within_limit"] is True
    assert all(s["legal_ref"] for s in trace["steps"])
    assert {p["key"] for p in a["parameters"]} >= {"dibao.standard", "dibao.fin_assets_months"}


async def test_deceased_members_are_not_counted(client):
    members = body()["members"] + [{"birth_date": "1940-01-01", "deceased": True}]
    a = (await client.post("/v1/assessments", json=body(members=members))).json()
    assert a["household_size"] == 3 and a["amount"] == "1200.00"


async def test_assets_over_the_limit_make_the_household_ineligible(client):
    a = (
        await client.post(
            "/v1/assessments",
            json=body(
                assets={
                    "financial_assets": "57600.01",
                    "vehicles": [{"kind": "car", "value": "80000.00"}],
                    "properties": 2,
                }
            ),
        )
    ).json()
    assert a["eligible"] is False and a["amount"] == "0.00"
    assert set(a["reason_codes"]) == {
        "INCOME_BELOW_STANDARD",
        "FIN_ASSETS_OVER_LIMIT",
        "VEHICLE_OWNED",
        "TOO_MANY_PROPERTIES",
    }


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"programme": "tekun"}, "programme_not_supported"),
        ({"programme": "medical"}, "programme_not_supported"),
        ({"programme": "pension"}, "validation_failed"),
        ({"benefit_month": "2024-12"}, "no_parameter_in_force"),
        ({"region_code": "110108"}, "no_parameter_in_force"),
        ({"region_code": "999999"}, "validation_failed"),
        ({"verified_monthly_income": "-1.00"}, "validation_failed"),
        ({"verified_monthly_income": "1.005"}, "validation_failed"),
        ({"members": []}, "validation_failed"),
        ({"benefit_month": "2026-13"}, "validation_failed"),
        ({"members": [{"birth_date": "2030-01-01"}]}, "validation_failed"),
        (
            {"members": [{"birth_date": "1980-01-01", "id_number": "141102198001010011"}]},
            "validation_failed",
        ),
        ({"known_at": "2999-01-01T00:00:00+08:00"}, "validation_failed"),
        ({"known_at": "2000-01-01T00:00:00+08:00"}, "no_parameter_in_force"),
        ({"assets": {"financial_assets": "-1"}}, "validation_failed"),
    ],
)
async def test_bad_assessment_input_is_problem_json_and_stores_nothing(
    client, counts, override, code
):
    before = await counts()
    r = await client.post("/v1/assessments", json=body(**override))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    assert await counts() == before


async def test_unknown_assessment_is_404(client):
    assert (
        await client.get("/v1/assessments/00000000-0000-0000-0000-000000000000")
    ).status_code == 404
    assert (await client.get("/v1/assessments/nope/trace")).status_code == 404


async def test_assessment_idempotency_key(client, counts):
    key = {"Idempotency-Key": "benefits-assess-1"}
    first = await client.post("/v1/assessments", json=body(), headers=key)
    before = await counts()
    again = await client.post("/v1/assessments", json=body(), headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert await counts() == before


async def test_r_ca_01_replay_with_known_at_ignores_a_later_parameter_version(client, sql):
    """A stored assessment re-run "as known at" its time gives the same answer after a rise."""
    region = "141123"  # 兴县: gets its own open-ended standard, later raised
    src = {"basis": "D", "document": "测试", "article": None}
    for key, value in (("dibao.standard", "700.00"),):
        r = await client.post(
            "/v1/parameters",
            json={
                "key": key,
                "region_code": region,
                "value": value,
                "valid_from": "2025-01-01",
                "source": src,
            },
        )
        assert r.status_code == 201, r.text
    month = "2027-03"
    before = (
        await client.post("/v1/assessments", json=body(region_code=region, benefit_month=month))
    ).json()
    assert before["standard"] == "700.00" and before["amount"] == "900.00"

    r = await client.post(
        "/v1/parameters",
        json={
            "key": "dibao.standard",
            "region_code": region,
            "value": "760.00",
            "valid_from": "2027-01-01",
            "source": src,
        },
    )
    assert r.status_code == 201, r.text

    replay = (await client.get(f"/v1/assessments/{before['assessment_id']}/replay")).json()
    assert replay["same_result"] is True and replay["replayed"]["amount"] == "900.00"
    again = (
        await client.post(
            "/v1/assessments",
            json=body(region_code=region, benefit_month=month, known_at=before["known_at"]),
        )
    ).json()
    assert (again["standard"], again["amount"], again["reason_codes"]) == (
        before["standard"],
        before["amount"],
        before["reason_codes"],
    )
    assert again["parameters"] == before["parameters"]
    now = (
        await client.post("/v1/assessments", json=body(region_code=region, benefit_month=month))
    ).json()
    assert now["standard"] == "760.00" and now["amount"] == "1080.00"
    stored = await sql.fetchrow(
        "select input_hash, known_at from assessment where id = $1::uuid", before["assessment_id"]
    )
    assert stored["known_at"] == dt.datetime.fromisoformat(before["known_at"])
    assert stored["input_hash"] == await sql.fetchval(
        "select input_hash from assessment where id = $1::uuid", again["assessment_id"]
    )
