"""Disaster declaration rules, pure logic (R-DR-01)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from socialaid.relief.domain.disaster import start_date_problem, today_in_china
from socialaid.relief.schemas import DisasterCreate


def test_r_dr_01_start_date_may_be_today_or_past_but_not_future():
    today = dt.date(2026, 7, 15)
    assert start_date_problem(today, today) is None
    assert start_date_problem(dt.date(2026, 7, 1), today) is None
    assert "future" in (start_date_problem(dt.date(2026, 7, 16), today) or "")


def test_today_is_counted_in_china_time():
    # 2026-07-15 17:00 UTC is already 2026-07-16 01:00 in Beijing.
    assert today_in_china(dt.datetime(2026, 7, 15, 17, 0, tzinfo=dt.UTC)) == dt.date(2026, 7, 16)
    assert today_in_china(dt.datetime(2026, 7, 15, 15, 0, tzinfo=dt.UTC)) == dt.date(2026, 7, 15)


def _body(**over):
    b = {
        "region_code": "141102",
        "disaster_type": "flood",
        "response_level": "II",
        "started_on": "2026-07-01",
    }
    b.update(over)
    return b


@pytest.mark.parametrize(
    "override",
    [
        {"region_code": "999999"},
        {"region_code": "14110"},
        {"response_level": "V"},
        {"response_level": "2"},
        {"disaster_type": "meteor"},
        {"started_on": "2999-01-01"},
    ],
)
def test_r_dr_01_schema_refuses_bad_declarations(override):
    with pytest.raises(ValidationError):
        DisasterCreate.model_validate(_body(**override))


def test_r_dr_01_schema_accepts_every_level_and_a_city_region():
    for level in ("I", "II", "III", "IV"):
        assert DisasterCreate.model_validate(_body(response_level=level, region_code="141100"))
