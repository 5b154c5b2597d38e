"""Subscription matching and data minimisation, pure logic (R-RF-05)."""

from socialaid.contracts.events import CaseAccepted, CaseApproved, ReferralCompleted
from socialaid.referral.domain.matching import SubscriptionRule, matches, matching_departments
from socialaid.referral.domain.minimise import minimise


def rule(code, types=(CaseAccepted.TYPE,), regions=("141100",), programmes=None):
    return SubscriptionRule(
        code, frozenset(types), frozenset(regions), frozenset(programmes) if programmes else None
    )


def test_r_rf_05_region_matches_itself_and_descendants():
    city = rule("health")
    kw = {"event_type": CaseAccepted.TYPE, "programme": "dibao"}
    assert matches(city, region_code="141124", **kw)  # county of the city
    assert matches(city, region_code="141100", **kw)
    assert not matches(city, region_code="110108", **kw)  # Beijing
    assert matches(rule("p", regions=("140000",)), region_code="141124", **kw)  # province
    assert matches(rule("n", regions=("000000",)), region_code="110108", **kw)  # national
    assert not matches(rule("c", regions=("141102",)), region_code="141124", **kw)  # sibling county
    assert not matches(rule("c", regions=("141124",)), region_code="141100", **kw)  # not upwards


def test_r_rf_05_event_type_and_programme_filters():
    edu = rule("education", types=(CaseApproved.TYPE,), programmes=("education", "dibao"))
    assert matches(edu, event_type=CaseApproved.TYPE, region_code="141102", programme="dibao")
    assert not matches(edu, event_type=CaseApproved.TYPE, region_code="141102", programme="medical")
    assert not matches(edu, event_type=CaseAccepted.TYPE, region_code="141102", programme="dibao")


def test_unknown_region_only_reaches_national_subscribers():
    rules = [
        rule("city", types=(ReferralCompleted.TYPE,)),
        rule("nation", types=(ReferralCompleted.TYPE,), regions=("000000",)),
    ]
    assert matching_departments(
        rules, event_type=ReferralCompleted.TYPE, region_code=None, programme=None
    ) == ["nation"]


def test_each_department_is_listed_once():
    rules = [rule("health"), rule("health", regions=("141124",)), rule("charity-xyz")]
    assert matching_departments(
        rules, event_type=CaseAccepted.TYPE, region_code="141124", programme="dibao"
    ) == ["charity-xyz", "health"]


def test_case_accepted_keeps_only_household_size_region_programme_and_masked_members():
    data = {
        "case_id": "c1",
        "application_id": "a1",
        "programme": "dibao",
        "region_code": "141124",
        "benefit_month": "2026-12",
        "accepted_at": "2026-11-22T00:00:00Z",
        "consent": {"signed": True},
        "declared_assets": {"financial_assets": "1000.00"},
        "members": [
            {
                "member_id": "m1",
                "name": "张三丰",
                "id_number": "14112419800101001X",
                "relationship": "applicant",
                "birth_date": "1980-01-01",
                "declared_monthly_income": "300.00",
            }
        ],
    }
    out = minimise(CaseAccepted.TYPE, data)
    assert (
        out["household_size"] == 1
        and out["region_code"] == "141124"
        and out["programme"] == "dibao"
    )
    assert out["members"] == [
        {"name": "张**", "id_number": "141124***********X", "relationship": "applicant"}
    ]
    flat = repr(out)
    for secret in ("张三丰", "14112419800101001X", "1980-01-01", "300.00", "consent", "1000.00"):
        assert secret not in flat


def test_case_approved_drops_the_payee_account():
    data = {
        "case_id": "c1",
        "application_id": "a1",
        "programme": "dibao",
        "region_code": "141124",
        "monthly_amount": "512.00",
        "start_month": "2027-01",
        "household_size": 2,
        "approved_at": "2026-11-22T00:00:00Z",
        "payee": {
            "account_name": "张三",
            "account_number": "6222020200112233445",
            "bank_code": "ICBC",
        },
    }
    out = minimise(CaseApproved.TYPE, data)
    assert "payee" not in out and out["monthly_amount"] == "512.00"
    assert "6222020200112233445" not in repr(out)
