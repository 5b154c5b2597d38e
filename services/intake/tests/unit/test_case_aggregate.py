"""The case aggregate: every allowed and refused transition, with the history and events it returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialaid.contracts.events import (
    AssessmentCompleted,
    CaseAccepted,
    CaseApproved,
    CaseAssessed,
    CaseEnrolled,
    CaseRejected,
    CaseSubmitted,
    Consent,
    DeclaredAssets,
    Discrepancy,
    HouseholdMember,
    Payee,
    PaymentSettled,
    VerificationCompleted,
    VerificationFailed,
)
from socialaid.core.errors import Conflict, RuleViolation
from socialaid.intake.domain.approval import ReductionReason
from socialaid.intake.domain.case import (
    SYSTEM,
    TRANSITIONS,
    Case,
    CaseChange,
    CaseHistoryEntry,
    CaseStatus,
    next_month,
)
from socialaid.intake.domain.records import Proposal, Verification

AT = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)
CASE_ID = "01900000-0000-7000-8000-000000000001"
APP_ID = "01900000-0000-7000-8000-000000000002"
PAYEE = Payee(account_name="张三", account_number="6222020200112233445", bank_code="ICBC")
ALL = list(CaseStatus)
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2)


def proposal(*, eligible: bool = True, amount: str = "512.00") -> Proposal:
    return Proposal(
        assessment_id="as-1",
        eligible=eligible,
        amount=Decimal(amount),
        standard=Decimal("812.00"),
        per_capita_income=Decimal("300.00"),
        reason_codes=("income_below_standard",),
        benefit_month="2026-12",
        rule_set_version="2026.1",
    )


def case_in(status: CaseStatus, *, version: int = 3, **over: Any) -> Case:
    base = Case(
        id=CASE_ID,
        application_id=APP_ID,
        programme="dibao",
        region_code="141102",
        status=status,
        version=version,
        benefit_month="2026-12",
        proposal=proposal() if status is not CaseStatus.SUBMITTED else None,
    )
    return dataclasses.replace(base, **over)


def assessment(
    *, eligible: bool = True, amount: Decimal = Decimal("512.00")
) -> AssessmentCompleted:
    return AssessmentCompleted(
        assessment_id="as-2",
        case_id=CASE_ID,
        programme="dibao",
        region_code="141102",
        benefit_month="2026-12",
        eligible=eligible,
        amount=amount,
        standard=Decimal("812.00"),
        per_capita_income=Decimal("300.00"),
        household_size=2,
        reason_codes=["income_below_standard"],
        rule_set_version="2026.1",
        completed_at=AT,
    )


def verification() -> VerificationCompleted:
    return VerificationCompleted(
        verification_id="ver-1",
        case_id=CASE_ID,
        programme="dibao",
        region_code="141102",
        benefit_month="2026-12",
        household_size=2,
        verified_monthly_income=Decimal("640.50"),
        financial_assets=Decimal("1200"),
        vehicles=0,
        properties=1,
        discrepancies=[Discrepancy(item="income", declared="300.00", verified="640.50")],
        evidence_count=4,
        completed_at=AT,
    )


def settled(month: str = "2027-01") -> PaymentSettled:
    return PaymentSettled(
        payment_id="pay-1",
        payroll_id="pr-1",
        case_id=CASE_ID,
        programme="dibao",
        region_code="141102",
        month=month,
        amount=Decimal("512.00"),
        bank_reference="B-1",
        settled_at=AT,
    )


def accept(case: Case) -> CaseChange:
    return case.accept(
        actor="window-1",
        note="papers complete",
        consent=Consent(signed=True, signed_on=dt.date(2026, 11, 20), scope=["income"]),
        members=[
            HouseholdMember(
                member_id="m-1",
                name="张三",
                id_number="141102198001010010",
                relationship="applicant",
                birth_date=dt.date(1980, 1, 1),
            )
        ],
        declared_assets=DeclaredAssets(financial_assets=Decimal("100"), vehicles=0, properties=1),
        at=AT,
    )


def approve(
    case: Case,
    *,
    payee: Payee | None = PAYEE,
    amount: Decimal = Decimal("512.00"),
    reason: ReductionReason | None = None,
    note: str | None = "ok",
):
    return case.approve(
        actor="county-1",
        note=note,
        monthly_amount=amount,
        start_month="2027-01",
        payee=payee,
        household_size=2,
        at=AT,
        reduction_reason=reason,
    )


def assert_moved(change: CaseChange, before: Case, to: CaseStatus, actor: str, note: str | None):
    assert change.case.status is to
    assert change.case.version == before.version + 1
    assert change.expected_version == before.version
    assert change.history == CaseHistoryEntry(before.status, to, actor, note)
    assert (change.case.id, change.case.application_id) == (before.id, before.application_id)


# --- creation -------------------------------------------------------------------------------


def test_submission_creates_a_submitted_case_with_its_first_history_row_and_event():
    change = Case.submit(
        case_id=CASE_ID,
        application_id=APP_ID,
        programme="medical",
        region_code="141102",
        channel="hotline",
        received_by="hotline-7",
        household_size=3,
        at=AT,
    )
    assert change.case.status is CaseStatus.SUBMITTED and change.case.version == 1
    assert change.expected_version is None
    assert change.history == CaseHistoryEntry(
        None, CaseStatus.SUBMITTED, "hotline-7", "channel=hotline"
    )
    assert change.events == (
        CaseSubmitted(
            case_id=CASE_ID,
            application_id=APP_ID,
            programme="medical",
            region_code="141102",
            channel="hotline",
            household_size=3,
            submitted_at=AT,
        ),
    )


# --- caseworkers' decisions -----------------------------------------------------------------


def test_the_transition_table_is_the_procedure():
    assert {s for s in ALL if CaseStatus.ACCEPTED in TRANSITIONS[s]} == {CaseStatus.SUBMITTED}
    assert {s for s in ALL if CaseStatus.APPROVED in TRANSITIONS[s]} == {CaseStatus.ASSESSED}
    assert {s for s in ALL if CaseStatus.REJECTED in TRANSITIONS[s]} == {
        CaseStatus.SUBMITTED,
        CaseStatus.ACCEPTED,
        CaseStatus.VERIFICATION_FAILED,
        CaseStatus.ASSESSED,
    }
    assert TRANSITIONS[CaseStatus.REJECTED] == TRANSITIONS[CaseStatus.ENROLLED] == frozenset()


def test_accepting_sets_the_benefit_month_and_sends_the_household():
    before = case_in(CaseStatus.SUBMITTED, benefit_month=None)
    change = accept(before)
    assert_moved(change, before, CaseStatus.ACCEPTED, "window-1", "papers complete")
    assert change.case.benefit_month == "2026-12"
    (event,) = change.events
    assert isinstance(event, CaseAccepted)
    assert event.benefit_month == "2026-12" and event.accepted_at == AT
    assert event.case_id == CASE_ID and event.application_id == APP_ID
    assert event.consent.signed and [m.name for m in event.members] == ["张三"]
    assert event.declared_assets.properties == 1


def test_approving_the_assessed_amount_records_it_against_the_assessment():
    """R-IN-08, R-CA-12: the approval names the assessed amount it is bounded by."""
    before = case_in(CaseStatus.ASSESSED)
    change = approve(before)
    assert_moved(
        change,
        before,
        CaseStatus.APPROVED,
        "county-1",
        "approved 512.00 of assessed 512.00 (assessment as-1); ok",
    )
    assert change.case.monthly_amount == Decimal("512.00")
    assert change.case.start_month == "2027-01"
    assert change.case.decision_reasons is None  # nothing to explain: the assessed amount
    assert change.events == (
        CaseApproved(
            case_id=CASE_ID,
            application_id=APP_ID,
            programme="dibao",
            region_code="141102",
            monthly_amount=Decimal("512.00"),
            start_month="2027-01",
            payee=PAYEE,
            household_size=2,
            approved_at=AT,
            assessed_amount=Decimal("512.00"),
        ),
    )


def test_approving_less_than_assessed_records_the_reduction_reason():
    """R-IN-08, R-CA-12: a reduced amount carries its reason in history, case and event."""
    before = case_in(CaseStatus.ASSESSED)
    change = approve(before, amount=Decimal("498.50"), reason=ReductionReason.PARTIAL_MONTH)
    assert_moved(
        change,
        before,
        CaseStatus.APPROVED,
        "county-1",
        "approved 498.50 of assessed 512.00 (assessment as-1); reduction: partial_month; ok",
    )
    assert change.case.monthly_amount == Decimal("498.50")
    assert change.case.decision_reasons == ("partial_month",)
    (event,) = change.events
    assert isinstance(event, CaseApproved)
    assert event.monthly_amount == Decimal("498.50")
    assert event.assessed_amount == Decimal("512.00")
    assert event.reduction_reason == "partial_month"


@pytest.mark.parametrize("amount", ["512.01", "513", "999999999999.99"])
def test_r_ca_12_an_amount_above_the_assessment_is_refused(amount):
    for reason in (None, *ReductionReason):
        with pytest.raises(RuleViolation) as err:
            approve(case_in(CaseStatus.ASSESSED), amount=Decimal(amount), reason=reason)
        assert err.value.code == "amount_above_assessment"
        assert err.value.extra == {"monthly_amount": amount, "assessed_amount": "512.00"}
        assert amount in err.value.detail and "512.00" in err.value.detail


def test_r_in_08_a_reduction_without_a_reason_is_refused_naming_the_allowed_reasons():
    with pytest.raises(RuleViolation) as err:
        approve(case_in(CaseStatus.ASSESSED), amount=Decimal("400.00"))
    assert err.value.code == "reduction_reason_missing"
    assert err.value.extra["allowed_reasons"] == [r.value for r in ReductionReason]
    assert err.value.extra["assessed_amount"] == "512.00"


@pytest.mark.parametrize("note", [None, "", "   "])
def test_r_in_08_a_reduction_for_other_needs_a_note(note):
    with pytest.raises(RuleViolation) as err:
        approve(
            case_in(CaseStatus.ASSESSED),
            amount=Decimal("400.00"),
            reason=ReductionReason.OTHER,
            note=note,
        )
    assert err.value.code == "reduction_note_missing"
    change = approve(
        case_in(CaseStatus.ASSESSED),
        amount=Decimal("400.00"),
        reason=ReductionReason.OTHER,
        note="村委会证明另有亲属资助",
    )
    assert change.case.decision_reasons == ("other",)
    assert change.history is not None and change.history.note is not None
    assert change.history.note.endswith("reduction: other; 村委会证明另有亲属资助")


def test_a_reduction_reason_for_the_assessed_amount_is_refused():
    with pytest.raises(RuleViolation) as err:
        approve(case_in(CaseStatus.ASSESSED), reason=ReductionReason.HOUSEHOLD_REQUEST)
    assert err.value.code == "reduction_reason_without_reduction"


def test_eligibility_is_checked_before_the_amount():
    with pytest.raises(RuleViolation) as err:
        approve(case_in(CaseStatus.ASSESSED, proposal=proposal(eligible=False)), amount=Decimal(1))
    assert err.value.code == "not_eligible"


@given(
    assessed=amounts,
    other=st.none() | amounts,
    reason=st.none() | st.sampled_from(ReductionReason),
    note=st.none() | st.text(max_size=5),
)
def test_r_ca_12_an_approval_is_never_above_the_assessment_and_below_only_with_a_reason(
    assessed, other, reason, note
):
    approved = assessed if other is None else other  # the assessed amount itself, often
    case = case_in(CaseStatus.ASSESSED, proposal=proposal(amount=str(assessed)))
    try:
        change = approve(case, amount=approved, reason=reason, note=note)
    except RuleViolation as err:
        refused: str | None = err.code
    else:
        refused = None
        assert change.case.monthly_amount == approved
        assert change.case.monthly_amount <= assessed
        (event,) = change.events
        assert isinstance(event, CaseApproved) and event.assessed_amount == assessed
        assert change.history is not None and change.history.note is not None
        assert f"approved {approved} of assessed {assessed}" in change.history.note
        if approved < assessed:
            assert reason is not None and change.case.decision_reasons == (reason.value,)
            assert event.reduction_reason == reason.value
            assert f"reduction: {reason.value}" in change.history.note
        else:
            assert change.case.decision_reasons is None and event.reduction_reason is None
    if approved > assessed:
        expected: str | None = "amount_above_assessment"
    elif approved == assessed:
        expected = None if reason is None else "reduction_reason_without_reduction"
    elif reason is None:
        expected = "reduction_reason_missing"
    elif reason is ReductionReason.OTHER and not (note and note.strip()):
        expected = "reduction_note_missing"
    else:
        expected = None
    assert refused == expected


def test_approval_needs_a_payee_account():
    with pytest.raises(RuleViolation) as err:
        approve(case_in(CaseStatus.ASSESSED), payee=None)
    assert err.value.code == "payee_missing"


@pytest.mark.parametrize("found", [None, proposal(eligible=False)])
def test_approval_needs_an_eligible_proposal(found):
    with pytest.raises(RuleViolation) as err:
        approve(case_in(CaseStatus.ASSESSED, proposal=found))
    assert err.value.code == "not_eligible"


def test_the_procedure_is_checked_before_payee_and_eligibility():
    with pytest.raises(Conflict) as err:
        approve(case_in(CaseStatus.ACCEPTED, proposal=None), payee=None)
    assert err.value.code == "invalid_case_transition"


def test_rejection_keeps_the_written_reasons_and_notes_them_in_the_history():
    before = case_in(CaseStatus.ACCEPTED)
    change = before.reject(actor="county-1", reasons=["存款超过规定标准", "有车辆"], at=AT)
    assert_moved(change, before, CaseStatus.REJECTED, "county-1", "存款超过规定标准; 有车辆")
    assert change.case.decision_reasons == ("存款超过规定标准", "有车辆")
    assert change.events == (
        CaseRejected(
            case_id=CASE_ID,
            application_id=APP_ID,
            programme="dibao",
            region_code="141102",
            reasons=["存款超过规定标准", "有车辆"],
            rejected_at=AT,
        ),
    )


DECISIONS = {
    CaseStatus.ACCEPTED: accept,
    CaseStatus.APPROVED: approve,
    CaseStatus.REJECTED: lambda c: c.reject(actor="county", reasons=["r"], at=AT),
}


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("target", list(DECISIONS))
def test_every_decision_is_allowed_exactly_where_the_procedure_allows_it(status, target):
    before = case_in(status)
    if target in TRANSITIONS[status]:
        change = DECISIONS[target](before)
        assert change.case.status is target and change.history.from_status is status
        assert len(change.events) == 1
    else:
        with pytest.raises(Conflict) as err:
            DECISIONS[target](before)
        assert err.value.code == "invalid_case_transition"
        assert err.value.extra == {"current_status": status.value, "requested_status": target}


# --- other services' results ----------------------------------------------------------------


@pytest.mark.parametrize("status", ALL)
def test_verification_findings_are_kept_in_any_status_without_history_or_event(status):
    before = case_in(status)
    change = before.record_verification(verification())
    assert change.case.status is status
    assert change.case.version == before.version + 1 and change.expected_version == before.version
    assert change.history is None and change.events == ()
    assert change.case.verification == Verification.of(verification())
    assert change.case.verification.discrepancies[0].item == "income"


@pytest.mark.parametrize("status", ALL)
def test_failed_verification_moves_only_an_accepted_case(status):
    before = case_in(status)
    event = VerificationFailed(
        verification_id="ver-1",
        case_id=CASE_ID,
        programme="dibao",
        region_code="141102",
        reasons=["no consent on file", "registry down"],
        failed_at=AT,
    )
    change = before.fail_verification(event)
    if status is CaseStatus.ACCEPTED:
        assert change is not None
        assert_moved(
            change,
            before,
            CaseStatus.VERIFICATION_FAILED,
            SYSTEM,
            "no consent on file; registry down",
        )
        assert change.events == ()
    else:
        assert change is None  # superseded: ignored


@pytest.mark.parametrize("status", ALL)
def test_an_assessment_becomes_the_proposal_of_an_accepted_or_assessed_case(status):
    before = case_in(status)
    change = before.assess(assessment(eligible=True, amount=Decimal("430.00")))
    if status in (CaseStatus.ACCEPTED, CaseStatus.ASSESSED):
        assert change is not None
        assert_moved(
            change, before, CaseStatus.ASSESSED, SYSTEM, "proposal: eligible=True amount=430.00"
        )
        assert change.case.assessment_id == "as-2"
        assert change.case.proposal == Proposal.of(assessment(amount=Decimal("430.00")))
        assert change.events == (
            CaseAssessed(
                case_id=CASE_ID,
                application_id=APP_ID,
                programme="dibao",
                region_code="141102",
                assessment_id="as-2",
                eligible=True,
                proposed_amount=Decimal("430.00"),
            ),
        )
    else:
        assert change is None  # decided meanwhile: a late assessment is ignored


@pytest.mark.parametrize("status", ALL)
def test_the_first_settled_payment_enrols_an_approved_case(status):
    before = case_in(status)
    change = before.enrol(settled("2027-01"), at=AT)
    if status is CaseStatus.APPROVED:
        assert change is not None
        assert_moved(
            change, before, CaseStatus.ENROLLED, SYSTEM, "first payment settled for 2027-01"
        )
        assert change.events == (
            CaseEnrolled(
                case_id=CASE_ID,
                application_id=APP_ID,
                programme="dibao",
                region_code="141102",
                first_payment_month="2027-01",
                enrolled_at=AT,
            ),
        )
    else:
        assert change is None  # already enrolled (or not approved): nothing to do


# --- properties -----------------------------------------------------------------------------


@given(status=st.sampled_from(ALL), version=st.integers(min_value=1, max_value=10**6))
def test_a_change_always_bumps_the_version_it_was_decided_on(status, version):
    before = case_in(status, version=version)
    changes = [
        before.record_verification(verification()),
        before.assess(assessment()),
        before.enrol(settled(), at=AT),
    ]
    for change in changes:
        if change is not None:
            assert change.expected_version == version
            assert change.case.version == version + 1
            if change.history is not None:
                assert change.history.to_status in TRANSITIONS[status]
    assert before.version == version  # the aggregate is immutable


@given(amount=amounts, eligible=st.booleans())
def test_approval_follows_the_proposal_for_any_amount(amount, eligible):
    before = case_in(CaseStatus.ASSESSED).assess(assessment(eligible=eligible, amount=amount))
    assert before is not None
    assessed = before.case
    assert assessed.proposal is not None and assessed.proposal.amount == amount
    if eligible:
        change = approve(assessed, amount=amount)
        assert change.case.monthly_amount == amount
    else:
        with pytest.raises(RuleViolation):
            approve(assessed, amount=amount)


@given(amount=amounts, standard=amounts, income=amounts)
def test_proposal_and_verification_documents_round_trip(amount, standard, income):
    p = dataclasses.replace(proposal(), amount=amount, standard=standard, per_capita_income=income)
    assert Proposal.from_document(p.to_document()) == p
    assert p.to_document()["amount"] == str(amount)
    v = dataclasses.replace(Verification.of(verification()), verified_monthly_income=income)
    assert Verification.from_document(v.to_document()) == v


@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_benefits_start_the_month_after_acceptance(day):
    change = case_in(CaseStatus.SUBMITTED, benefit_month=None).accept(
        actor="w",
        note=None,
        consent=Consent(signed=True),
        members=[],
        declared_assets=DeclaredAssets(),
        at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
    )
    month = next_month(day)
    assert change.case.benefit_month == month
    assert month > f"{day.year:04d}-{day.month:02d}"
