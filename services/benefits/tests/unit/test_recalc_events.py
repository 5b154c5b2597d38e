"""The bulk ``entitlement.changed`` encoding equals the contract's (R-CA-01, R-IN-12)."""

import datetime as dt
import json
from decimal import Decimal

import numpy as np

from socialaid.benefits.recalculation.events import entitlement_changed_payloads, month_text
from socialaid.contracts.events import EntitlementChanged
from socialaid.core.ids import uuid7_block, uuid_text


def test_each_bulk_payload_is_the_contracts_data():
    rng = np.random.default_rng(7)
    n = 500
    case_ids = [f"case-{i}" for i in range(n)]
    case_ids[3] = 'case "quoted" \\ 案'  # needs escaping
    prev = rng.integers(0, 300_000, n)
    new = np.where(rng.random(n) < 0.1, 0, rng.integers(0, 300_000, n))
    eff = rng.integers(2026 * 12, 2026 * 12 + 12, n)
    paid = rng.integers(0, 4, n)
    region_of = rng.integers(0, 2, n)
    ids = uuid7_block(n)
    at = dt.datetime(2026, 11, 22, 8, 30, 1, 250000, tzinfo=dt.UTC)
    payloads = entitlement_changed_payloads(
        change_ids=ids, case_ids=case_ids, programme="dibao", region_codes=["141102", "141121"],
        region_of=region_of, eff_m=eff, prev_fen=prev, new_fen=new, paid_months=paid,
        cause='dibao.standard 141100 from 2026-10-01 (参数 "x")', recalculation_id="run-1",
        changed_at="2026-11-22T08:30:01.250000Z",
    )  # fmt: skip
    for i in range(n):
        delta = (int(new[i]) - int(prev[i])) * int(paid[i])
        expected = EntitlementChanged(
            change_id=uuid_text(ids[i]),
            case_id=case_ids[i],
            programme="dibao",
            region_code=["141102", "141121"][region_of[i]],
            effective_month=month_text(int(eff[i])),
            previous_amount=Decimal(int(prev[i])) / 100,
            new_amount=Decimal(int(new[i])) / 100,
            months_already_paid=[month_text(int(eff[i]) + k) for k in range(int(paid[i]))],
            arrears=Decimal(max(delta, 0)) / 100,
            overpayment=Decimal(max(-delta, 0)) / 100,
            cause='dibao.standard 141100 from 2026-10-01 (参数 "x")',
            recalculation_id="run-1",
            changed_at=at,
        )
        got = EntitlementChanged.model_validate_json(payloads[i])
        assert got == expected, i
        data = json.loads(payloads[i])
        assert list(data) == list(expected.to_data())  # same keys, same order
        assert data["new_amount"] == f"{int(new[i]) // 100}.{int(new[i]) % 100:02d}"
