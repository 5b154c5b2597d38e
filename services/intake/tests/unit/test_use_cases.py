"""Intake use cases against the in-memory unit of work (no database)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from services.intake.tests.unit.fakes import FakeIntakeUnitOfWork
from socialaid.contracts.events import (
    AssessmentCompleted,
    CaseAccepted,
    CaseApproved,
    CaseAssessed,
    CaseEnrolled,
    CaseRejected,
    CaseSubmitted,
    Discrepancy,
    PaymentSettled,
    VerificationCompleted,
    VerificationFailed,
)
from socialaid.core.errors import Conflict, NotFound, RuleViolation
from socialaid.core.ids import gb11643_check_char, keyed_hash
from socialaid.intake.config import Settings
from socialaid.intake.domain.approval import ReductionReason
from socialaid.intake.domain.case import CaseStatus, next_month
from socialaid.intake.schemas import ApplicationCreate, CaseAccept, CaseApprove, CaseReject
from socialaid.intake.use_cases.applications import read_application, submit_application
from socialaid.intake.use_cases.case_events import (
    assess_case,
    enrol_case,
    fail_verification,
    record_verification,
)
from socialaid.intake.use_cases.cases import (
    accept_case,
    approve_case,
    list_cases,
    read_case,
    reject_case,
)

# Consent is valid for a year (ConsentDate): sign it shortly before the test runs.
SIGNED_ON = dt.date.today() - dt.timedelta(days=12)

SETTINGS = Settings()
NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def application(**over: object) -> ApplicationCreate:
    body: dict[str, object] = {
        "region_code": "141102",
        "channel": "community_worker",
        "received_by": "worker-3",
        "programmes": ["medical", "dibao"],
        "members": [
            {
                "name": "张三",
                "id_number": idn("14110219800101001"),
                "relationship": "applicant",
                "birth_date": "1980-01-01",
                "declared_monthly_income": "300.00",
            },
            {
                "name": "李四",
                "id_number": idn("14110219820202002"),
                "relationship": "spouse",
                "birth_date": "1982-02-02",
            },
        ],
        "consent": {"signed": True, "signed_on": SIGNED_ON.isoformat()},
        "payee": {
            "account_name": "张三",
            "account_number": "6222020200112233445",
            "bank_code": "ICBC",
        },
    }
    body.update(over)
    return ApplicationCreate.model_validate(body)


async def submitted(uow: FakeIntakeUnitOfWork, **over: object) -> str:
    answer = await submit_application(uow, data=application(**over), settings=SETTINGS)
    return answer.cases[0].case_id


def assessment(case_id: str, *, eligible: bool = True) -> AssessmentCompleted:
    return AssessmentCompleted(
        assessment_id="as-1",
        case_id=case_id,
        programme="dibao",
        region_code="141102",
        benefit_month="2026-12",
        eligible=eligible,
        amount=Decimal("512.00"),
        standard=Decimal("812.00"),
        per_capita_income=Decimal("150.00"),
        household_size=2,
        reason_codes=["income_below_standard"],
        rule_set_version="2026.1",
        completed_at=NOW,
    )


def settled(case_id: str, month: str = "2027-01") -> PaymentSettled:
    return PaymentSettled(
        payment_id="pay-1",
        payroll_id="pr-1",
        case_id=case_id,
        programme="dibao",
        region_code="141102",
        month=month,
        amount=Decimal("512.00"),
        bank_reference="B-1",
        settled_at=NOW,
    )


def failed(case_id: str) -> VerificationFailed:
    return VerificationFailed(
        verification_id="ver-1",
        case_id=case_id,
        programme="dibao",
        region_code="141102",
        reasons=["registry unavailable"],
        failed_at=NOW,
    )


async def assessed(uow: FakeIntakeUnitOfWork, *, eligible: bool = True, **over: object) -> str:
    case_id = await submitted(uow, programmes=["dibao"], **over)
    await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)
    await assess_case(uow, assessment(case_id, eligible=eligible))
    return case_id


APPROVAL = CaseApprove(monthly_amount=Decimal("512.00"), start_month="2027-01")


# --- submission -----------------------------------------------------------------------------


async def test_submission_opens_one_case_per_programme_with_an_event_each():
    uow = FakeIntakeUnitOfWork()
    answer = await submit_application(uow, data=application(), settings=SETTINGS)
    assert [c.programme for c in answer.cases] == ["medical", "dibao"]
    assert {c.status for c in answer.cases} == {"submitted"}
    assert answer.received_by == "worker-3" and answer.channel == "community_worker"
    events = uow.events.of_type(CaseSubmitted)
    assert [e.case_id for e in events] == [c.case_id for c in answer.cases]
    assert all(e.household_size == 2 and e.application_id == answer.application_id for e in events)
    read = await read_application(uow, application_id=answer.application_id)
    assert [c.programme for c in read.cases] == ["dibao", "medical"]  # ordered by programme
    case = await read_case(uow, case_id=answer.cases[0].case_id)
    assert [(h.from_status, h.to_status, h.actor, h.note) for h in case.history] == [
        (None, "submitted", "worker-3", "channel=community_worker")
    ]


async def test_id_numbers_are_stored_only_hashed_encrypted_and_masked():
    uow = FakeIntakeUnitOfWork()
    answer = await submit_application(uow, data=application(), settings=SETTINGS)
    clear = idn("14110219800101001")
    (members,) = uow.store.members.values()
    assert all(clear not in (m.id_number_hash, m.id_number_encrypted) for m in members)
    case = await read_case(uow, case_id=answer.cases[0].case_id)
    assert case.members[0].id_number_masked.startswith("141102")
    assert "*" in case.members[0].id_number_masked


async def test_unknown_or_malformed_ids_are_not_found():
    uow = FakeIntakeUnitOfWork()
    for case_id in (UNKNOWN, "not-a-uuid"):
        with pytest.raises(NotFound):
            await read_case(uow, case_id=case_id)
        with pytest.raises(NotFound):
            await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)
    with pytest.raises(NotFound):
        await read_application(uow, application_id=UNKNOWN)


# --- caseworkers' decisions -----------------------------------------------------------------


async def test_accepting_sends_the_household_with_clear_id_numbers_to_verification():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    answer = await accept_case(
        uow, case_id=case_id, data=CaseAccept(actor="window-2", note="ok"), settings=SETTINGS
    )
    month = next_month(dt.datetime.now(dt.UTC).date())
    assert answer.model_dump() == {"case_id": case_id, "status": "accepted", "benefit_month": month}
    (event,) = uow.events.of_type(CaseAccepted)
    assert isinstance(event, CaseAccepted)
    assert [m.id_number for m in event.members] == [
        idn("14110219800101001"),
        idn("14110219820202002"),
    ]
    assert event.consent.signed_on == SIGNED_ON
    case = await read_case(uow, case_id=case_id)
    assert case.status == "accepted" and case.version == 2 and case.benefit_month == month
    assert case.history[-1].actor == "window-2"


async def test_approval_of_an_eligible_proposal():
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow)
    answer = await approve_case(uow, case_id=case_id, data=APPROVAL, settings=SETTINGS)
    assert answer.model_dump(mode="json") == {
        "case_id": case_id,
        "status": "approved",
        "monthly_amount": "512.00",
        "start_month": "2027-01",
        "assessed_amount": "512.00",
        "reduction_reason": None,
    }
    (event,) = uow.events.of_type(CaseApproved)
    assert isinstance(event, CaseApproved)
    assert event.payee.bank_code == "ICBC" and event.household_size == 2
    assert event.assessed_amount == Decimal("512.00") and event.reduction_reason is None
    case = await read_case(uow, case_id=case_id)
    assert case.monthly_amount == Decimal("512.00") and case.start_month == "2027-01"


async def test_probe_double_household_approval_names_its_beneficiaries_by_keyed_hash():
    """case.approved carries the roster's keyed ID hashes (never the clear numbers) so payments
    can refuse paying one person twice in a programme and month (probe: one household posted
    twice, both cases paid in one payroll)."""
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow)
    await approve_case(uow, case_id=case_id, data=APPROVAL, settings=SETTINGS)
    (event,) = uow.events.of_type(CaseApproved)
    assert isinstance(event, CaseApproved)
    expected = [
        keyed_hash(idn("14110219800101001"), SETTINGS.pii_hash_key),
        keyed_hash(idn("14110219820202002"), SETTINGS.pii_hash_key),
    ]
    assert event.beneficiaries == expected
    data = event.model_dump_json()
    assert idn("14110219800101001") not in data and idn("14110219820202002") not in data


async def test_r_ca_12_approval_below_the_assessment_keeps_the_reason_with_the_decision():
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow)
    data = CaseApprove(
        monthly_amount=Decimal("300.00"),
        start_month="2027-01",
        reduction_reason=ReductionReason.HOUSEHOLD_REQUEST,
        note="申请人书面要求",
    )
    answer = await approve_case(uow, case_id=case_id, data=data, settings=SETTINGS)
    assert answer.assessed_amount == Decimal("512.00")
    assert answer.reduction_reason is ReductionReason.HOUSEHOLD_REQUEST
    (event,) = uow.events.of_type(CaseApproved)
    assert isinstance(event, CaseApproved)
    assert (event.monthly_amount, event.assessed_amount, event.reduction_reason) == (
        Decimal("300.00"),
        Decimal("512.00"),
        "household_request",
    )
    case = await read_case(uow, case_id=case_id)
    assert case.monthly_amount == Decimal("300.00")
    assert case.decision_reasons == ["household_request"]
    assert case.history[-1].note == (
        "approved 300.00 of assessed 512.00 (assessment as-1); "
        "reduction: household_request; 申请人书面要求"
    )


@pytest.mark.parametrize(
    ("amount", "reason", "code"),
    [
        ("512.01", None, "amount_above_assessment"),
        ("9999999.99", ReductionReason.OTHER, "amount_above_assessment"),
        ("511.99", None, "reduction_reason_missing"),
        ("0", ReductionReason.OTHER, "reduction_note_missing"),
        ("512.00", ReductionReason.PARTIAL_MONTH, "reduction_reason_without_reduction"),
    ],
)
async def test_r_ca_12_an_approval_outside_the_assessment_is_refused_and_changes_nothing(
    amount, reason, code
):
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow)
    before = await read_case(uow, case_id=case_id)
    events = list(uow.events.events)
    data = CaseApprove(
        monthly_amount=Decimal(amount), start_month="2027-01", reduction_reason=reason
    )
    with pytest.raises(RuleViolation) as err:
        await approve_case(uow, case_id=case_id, data=data, settings=SETTINGS)
    assert err.value.code == code
    assert await read_case(uow, case_id=case_id) == before
    assert uow.events.events == events


async def test_approval_without_payee_is_refused_and_changes_nothing():
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow, payee=None)
    before = len(uow.events.events)
    with pytest.raises(RuleViolation) as err:
        await approve_case(uow, case_id=case_id, data=APPROVAL, settings=SETTINGS)
    assert err.value.code == "payee_missing"
    assert (await read_case(uow, case_id=case_id)).status == "assessed"
    assert len(uow.events.events) == before


async def test_approval_of_a_not_eligible_proposal_is_refused():
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow, eligible=False)
    with pytest.raises(RuleViolation) as err:
        await approve_case(uow, case_id=case_id, data=APPROVAL, settings=SETTINGS)
    assert err.value.code == "not_eligible"


async def test_approval_in_the_wrong_status_is_an_invalid_transition():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    with pytest.raises(Conflict) as err:
        await approve_case(uow, case_id=case_id, data=APPROVAL, settings=SETTINGS)
    assert err.value.code == "invalid_case_transition"
    assert uow.events.of_type(CaseApproved) == []


async def test_rejection_with_reasons_and_no_decision_after_it():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)
    answer = await reject_case(uow, case_id=case_id, data=CaseReject(reasons=["存款超过规定标准"]))
    assert answer.model_dump() == {
        "case_id": case_id,
        "status": "rejected",
        "reasons": ["存款超过规定标准"],
    }
    case = await read_case(uow, case_id=case_id)
    assert [h.to_status for h in case.history] == ["submitted", "accepted", "rejected"]
    assert case.decision_reasons == ["存款超过规定标准"]
    assert len(uow.events.of_type(CaseRejected)) == 1
    with pytest.raises(Conflict):
        await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)


async def test_a_case_changed_meanwhile_is_stale():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    uow.store.change_meanwhile(case_id)
    with pytest.raises(Conflict) as err:
        await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)
    assert err.value.code == "stale_case"
    assert uow.events.of_type(CaseAccepted) == []


# --- other services' results ----------------------------------------------------------------


async def test_verification_findings_are_recorded_on_the_case():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)
    await record_verification(
        uow,
        VerificationCompleted(
            verification_id="ver-1",
            case_id=case_id,
            programme="dibao",
            region_code="141102",
            benefit_month="2026-12",
            household_size=2,
            verified_monthly_income=Decimal("640.50"),
            financial_assets=Decimal("1200"),
            vehicles=0,
            properties=1,
            discrepancies=[Discrepancy(item="income", declared="300.00", verified="640.50")],
            evidence_count=3,
            completed_at=NOW,
        ),
    )
    case = await read_case(uow, case_id=case_id)
    assert case.status == "accepted" and case.version == 3
    assert case.verification == {
        "vehicles": 0,
        "properties": 1,
        "discrepancies": [{"item": "income", "declared": "300.00", "verified": "640.50"}],
        "evidence_count": 3,
        "verification_id": "ver-1",
        "financial_assets": "1200",
        "verified_monthly_income": "640.50",
    }
    assert list(case.verification) == [  # the order PostgreSQL's JSONB answers with
        "vehicles",
        "properties",
        "discrepancies",
        "evidence_count",
        "verification_id",
        "financial_assets",
        "verified_monthly_income",
    ]


async def test_a_failed_verification_moves_an_accepted_case_and_is_ignored_later():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    await accept_case(uow, case_id=case_id, data=CaseAccept(), settings=SETTINGS)
    await fail_verification(uow, failed(case_id))
    case = await read_case(uow, case_id=case_id)
    assert case.status == "verification_failed"
    assert (case.history[-1].actor, case.history[-1].note) == ("system", "registry unavailable")
    await fail_verification(uow, failed(case_id))  # redelivered: nothing more
    assert (await read_case(uow, case_id=case_id)).version == case.version


async def test_an_assessment_becomes_the_proposal_and_is_announced():
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow)
    case = await read_case(uow, case_id=case_id)
    assert case.status == "assessed"
    assert case.proposal is not None
    assert case.proposal["amount"] == "512.00" and case.proposal["eligible"] is True
    (event,) = uow.events.of_type(CaseAssessed)
    assert isinstance(event, CaseAssessed)
    assert event.proposed_amount == Decimal("512.00") and event.assessment_id == "as-1"


async def test_a_late_assessment_of_a_decided_case_is_ignored():
    uow = FakeIntakeUnitOfWork()
    case_id = await submitted(uow)
    await reject_case(uow, case_id=case_id, data=CaseReject(reasons=["withdrawn"]))
    await assess_case(uow, assessment(case_id))
    case = await read_case(uow, case_id=case_id)
    assert case.status == "rejected" and case.proposal is None
    assert uow.events.of_type(CaseAssessed) == []


async def test_a_what_if_assessment_touches_no_case():
    uow = FakeIntakeUnitOfWork()
    await assess_case(uow, assessment(UNKNOWN).model_copy(update={"case_id": None}))
    assert uow.events.events == []


async def test_the_first_settled_payment_enrols_and_later_ones_change_nothing():
    uow = FakeIntakeUnitOfWork()
    case_id = await assessed(uow)
    await approve_case(uow, case_id=case_id, data=APPROVAL, settings=SETTINGS)
    await enrol_case(uow, settled(case_id, "2027-01"))
    await enrol_case(uow, settled(case_id, "2027-02"))
    case = await read_case(uow, case_id=case_id)
    assert case.status == "enrolled"
    assert [h.note for h in case.history if h.to_status == "enrolled"] == [
        "first payment settled for 2027-01"
    ]
    (event,) = uow.events.of_type(CaseEnrolled)
    assert isinstance(event, CaseEnrolled) and event.first_payment_month == "2027-01"


async def test_events_for_unknown_cases_are_not_found():
    uow = FakeIntakeUnitOfWork()
    with pytest.raises(NotFound):
        await enrol_case(uow, settled(UNKNOWN))
    with pytest.raises(NotFound):
        await fail_verification(uow, failed(str(uuid.uuid4())))


# --- listing --------------------------------------------------------------------------------


async def test_cases_are_listed_newest_first_and_filtered():
    uow = FakeIntakeUnitOfWork()
    first = await submitted(uow, programmes=["dibao"])
    second = await submitted(uow, programmes=["dibao"], region_code="141181")
    await accept_case(uow, case_id=first, data=CaseAccept(), settings=SETTINGS)
    items = await list_cases(uow, region_code=None, status=None, limit=50, offset=0)
    assert [i.id for i in items] == [second, first]
    only = await list_cases(uow, region_code=None, status=CaseStatus.ACCEPTED, limit=50, offset=0)
    assert [i.id for i in only] == [first]
    there = await list_cases(uow, region_code="141181", status=None, limit=50, offset=0)
    assert [i.id for i in there] == [second]
    assert await list_cases(uow, region_code=None, status=None, limit=1, offset=1) == items[1:]
