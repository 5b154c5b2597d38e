"""Stored records → the API's *Read answers (pure: no database)."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from socialaid.benefits.repository.parameters import ParameterVersion
from socialaid.benefits.repository.recalculation_runs import RecalculationRun
from socialaid.benefits.use_cases import parameters, recalculation

UTC8 = dt.timezone(dt.timedelta(hours=8))


def run(**over) -> RecalculationRun:
    values: dict[str, Any] = {
        "id": uuid.UUID("01a236de-0000-7000-8000-000000000001"),
        "trigger": "manual",
        "parameter_id": None,
        "region_code": "141100",
        "effective_month": "2026-07",
        "cause": "manual",
        "status": "completed",
        "phase": None,
        "regions": ["141102"],
        "scanned": 3,
        "changed": 2,
        "unchanged": 1,
        "engine_path": 0,
        "arrears_total": Decimal("200.00"),
        "overpayment_total": Decimal("0.00"),
        "attempts": 1,
        "error": None,
        "created_at": dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC),
        "started_at": dt.datetime(2026, 7, 1, 8, 0, 1, 500, tzinfo=dt.UTC),
        "finished_at": None,
        "duration_ms": 12,
    }
    values.update(over)
    return RecalculationRun(**values)


def test_run_answer_keeps_its_text_moments_and_money():
    body = recalculation.to_read(run()).model_dump(mode="json")
    assert body["recalculation_id"] == "01a236de-0000-7000-8000-000000000001"
    assert body["counts"] == {"scanned": 3, "changed": 2, "unchanged": 1, "engine_path": 0}
    assert (body["arrears_total"], body["overpayment_total"]) == ("200.00", "0.00")
    assert body["created_at"] == "2026-07-01T08:00:00+00:00"  # isoformat, not pydantic's "Z"
    assert body["started_at"] == "2026-07-01T08:00:01.000500+00:00"
    assert body["finished_at"] is None and body["parameter_id"] is None


def test_run_without_regions_answers_an_empty_list():
    assert recalculation.to_read(run(regions=None)).regions == []


def version(**over) -> ParameterVersion:
    values: dict[str, Any] = {
        "id": uuid.UUID("01a236de-0000-7000-8000-000000000002"),
        "key": "dibao.standard",
        "region_code": "141100",
        "value_numeric": Decimal("850.00"),
        "value_json": None,
        "valid_from": dt.date(2026, 7, 1),
        "valid_to": None,
        "recorded_at": dt.datetime(2026, 6, 1, 9, 30, tzinfo=UTC8),
        "superseded_at": None,
        "supersedes_id": None,
        "source": "[D] 通知",
    }
    values.update(over)
    return ParameterVersion(**values)


def test_parameter_answer_formats_numbers_and_keeps_json_tables():
    body = parameters.to_read(version()).model_dump(mode="json")
    assert body["value"] == "850.00" and body["valid_from"] == "2026-07-01"
    assert body["recorded_at"] == "2026-06-01T09:30:00+08:00"
    table = {"a": "0.3", "b": ["x"]}
    json_version = version(value_numeric=None, value_json=table)
    assert parameters.to_read(json_version).value == table
