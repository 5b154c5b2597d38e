"""Logs never render SQL parameters or validation input (privacy probe: a database error logged
the names, birth dates and bank account of the request)."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import BaseModel, ValidationError

from socialaid.core.logging import JsonFormatter, format_exception_safely

SECRET_NAME = "王秘密"
SECRET_ID = "141102198001010011"
SECRET_ACCOUNT = "6217000010009998887"


def _log_line(exc: BaseException) -> str:
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "failed", (), (type(exc), exc, None)
    )
    return JsonFormatter("test").format(record)


class _Member(BaseModel):
    birth_year: int


def test_validation_input_is_withheld_but_the_field_is_named() -> None:
    with pytest.raises(ValidationError) as caught:
        _Member.model_validate({"birth_year": f"{SECRET_NAME} {SECRET_ID}"})
    line = json.loads(_log_line(caught.value))["exc"]
    assert SECRET_NAME not in line and SECRET_ID not in line
    assert "birth_year (int_parsing)" in line


def test_a_plain_error_keeps_its_message_and_its_causes() -> None:
    try:
        try:
            raise KeyError("case-42")
        except KeyError as inner:
            raise RuntimeError("relay stopped") from inner
    except RuntimeError as exc:
        text_ = format_exception_safely(exc)
    assert "KeyError: 'case-42'" in text_ and "RuntimeError: relay stopped" in text_
    assert text_.index("KeyError") < text_.index("RuntimeError")  # cause first, as Python prints
