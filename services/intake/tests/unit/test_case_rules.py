"""Case state machine and application validation (no I/O)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from socialaid.core.errors import Conflict
from socialaid.core.ids import gb11643_check_char
from socialaid.intake.domain.case import CaseStatus, check_transition, next_month
from socialaid.intake.schemas import ApplicationCreate


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def application(**over):
    body = {
        "region_code": "141102",
        "programmes": ["dibao"],
        "members": [
            {
                "name": "王五",
                "id_number": idn("14110219750505003"),
                "relationship": "applicant",
                "birth_date": "1975-05-05",
            }
        ],
        "consent": {"signed": True},
    }
    body.update(over)
    return body


def test_r_in_02_case_moves_only_along_the_procedure():
    check_transition("submitted", CaseStatus.ACCEPTED)
    check_transition("assessed", CaseStatus.APPROVED)
    with pytest.raises(Conflict):
        check_transition("submitted", CaseStatus.APPROVED)
    with pytest.raises(Conflict):
        check_transition("rejected", CaseStatus.ACCEPTED)


def test_payment_starts_the_month_after_the_decision():
    assert next_month(dt.date(2026, 11, 30)) == "2026-12"
    assert next_month(dt.date(2026, 12, 1)) == "2027-01"


def test_r_in_04_valid_application_parses():
    parsed = ApplicationCreate.model_validate(application())
    assert parsed.members[0].id_number.endswith(gb11643_check_char("14110219750505003"))


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"consent": {"signed": False}}, "consent"),
        ({"region_code": "999999"}, "unknown region"),
        ({"region_code": "141100"}, "not a county-level"),
        ({"programmes": []}, "at least 1"),
        ({"programmes": ["dibao", "dibao"]}, "listed twice"),
        ({"members": []}, "at least 1"),
    ],
)
def test_r_in_05_bad_applications_are_refused(override, message):
    with pytest.raises(ValidationError) as err:
        ApplicationCreate.model_validate(application(**override))
    assert message in str(err.value)


def test_r_in_04_id_number_check_digit_and_birth_date():
    good = idn("14110219750505003")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="check digit"):
        ApplicationCreate.model_validate(
            application(
                members=[
                    {
                        "name": "王五",
                        "id_number": wrong_check,
                        "relationship": "applicant",
                        "birth_date": "1975-05-05",
                    }
                ]
            )
        )
    with pytest.raises(ValidationError, match="birth_date does not match"):
        ApplicationCreate.model_validate(
            application(
                members=[
                    {
                        "name": "王五",
                        "id_number": good,
                        "relationship": "applicant",
                        "birth_date": "1975-05-06",
                    }
                ]
            )
        )
