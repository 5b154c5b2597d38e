"""The handler table: each event type reaches its thin handler, which calls one use case."""

import datetime as dt
import uuid
from decimal import Decimal

from socialaid.benefits import consumers
from socialaid.contracts.events import CaseApproved, Payee, PaymentSettled, VerificationCompleted
from socialaid.events.envelope import Envelope


def envelope(event: CaseApproved | PaymentSettled) -> Envelope:
    return Envelope(
        id=str(uuid.uuid4()),
        source="/test",
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.subject(),
        sequence=1,
    )


def test_table_names_every_handled_event():
    table = consumers.subscriptions(None)  # type: ignore[arg-type]  # subscriptions() never reads its settings
    assert set(table) == {VerificationCompleted.TYPE, CaseApproved.TYPE, PaymentSettled.TYPE}


async def test_case_approved_becomes_record_approval(monkeypatch):
    calls = []

    async def record_approval(uow, **kwargs):
        calls.append((uow, kwargs))

    monkeypatch.setattr(consumers, "record_approval", record_approval)
    event = CaseApproved(
        case_id="c1", application_id="a1", programme="dibao", region_code="141102",
        monthly_amount=Decimal("812.50"), start_month="2026-07", household_size=2,
        payee=Payee(account_name="张三", account_number="6222020200112233445", bank_code="ICBC"),
        approved_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    uow = object()
    await consumers.on_case_approved(event, envelope(event), uow)  # type: ignore[arg-type]  # a sentinel uow: record_approval is patched and only hands it on
    assert calls == [
        (
            uow,
            {
                "case_id": "c1",
                "programme": "dibao",
                "region_code": "141102",
                "start_month": "2026-07",
                "monthly_amount": Decimal("812.50"),
            },
        )
    ]


async def test_payment_settled_becomes_record_payment(monkeypatch):
    calls = []

    async def record_payment(uow, **kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(consumers, "record_payment", record_payment)
    event = PaymentSettled(
        payment_id="p1", payroll_id="r1", case_id="c1", programme="dibao", region_code="141102",
        month="2026-08", amount=Decimal("1.00"), bank_reference="B1",
        settled_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    await consumers.on_payment_settled(event, envelope(event), object())  # type: ignore[arg-type]  # record_payment is patched: the uow is never used
    assert calls == [{"case_id": "c1", "month": "2026-08"}]
