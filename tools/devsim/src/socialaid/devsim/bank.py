"""Bank simulator: the paying bank's batch-transfer interface, in memory, for development and tests.

Protocol (JSON over HTTP, models in ``/docs``):

- ``POST /bank/v1/batches`` pays a batch of transfer instructions and answers one
  result per instruction (``settled`` or ``failed`` with a code). Idempotent on
  ``batch_id`` and ``instruction_id``: a repeated instruction returns its first
  result and is never paid twice; an instruction id reused with different
  content is refused (409).
- ``GET /bank/v1/instructions/{instruction_id}`` and ``GET /bank/v1/batches/{batch_id}``
  are status enquiries for reconciliation.

Test controls under ``/sim``: seed account states (``PUT /sim/accounts/{number}``),
inject faults (``PUT /sim/faults``: ``error`` answers 503 without paying;
``timeout`` pays, then answers late so the caller times out), list what money
actually moved (``GET /sim/transfers``) and ``POST /sim/reset``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path, Query
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from socialaid.web.problems import MEDIA_TYPE, install_problem_handlers


def _check_amount(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0:
        raise ValueError("amount must be a positive decimal")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("amount has more than two decimal places")
    if value >= Decimal("1e12"):
        raise ValueError("amount is out of range")
    return value


Amount = Annotated[Decimal, AfterValidator(_check_amount), PlainSerializer(str, return_type=str)]
Total = Annotated[Decimal, PlainSerializer(str, return_type=str)]
AccountStatus = Literal["active", "closed", "frozen"]
ResultStatus = Literal["settled", "failed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TransferInstruction(_Model):
    instruction_id: str = Field(
        min_length=1, max_length=100, description="Payer's unique id; idempotency key"
    )
    account_number: str = Field(min_length=1, max_length=40)
    account_name: str = Field(min_length=1, max_length=100)
    amount: Amount = Field(description="Decimal string in yuan, two places at most, > 0")
    currency: Literal["CNY"] = "CNY"
    remark: str = Field(default="", max_length=200)


class BatchRequest(_Model):
    batch_id: str = Field(
        min_length=1, max_length=100, description="Payer's batch id; idempotency key"
    )
    payer_account: str = Field(min_length=1, max_length=40)
    instructions: list[TransferInstruction] = Field(min_length=1, max_length=10_000)


class InstructionResult(BaseModel):
    instruction_id: str
    batch_id: str
    status: ResultStatus
    amount: Amount
    bank_reference: str | None = None
    failure_code: str | None = Field(
        None, description="ACCOUNT_CLOSED | ACCOUNT_FROZEN | NAME_MISMATCH"
    )
    failure_reason: str | None = None
    processed_at: dt.datetime


class BatchResponse(BaseModel):
    batch_id: str
    results: list[InstructionResult]
    settled_count: int
    settled_total: Total
    failed_count: int


class AccountSeed(_Model):
    status: AccountStatus = "active"
    name: str | None = Field(
        None, max_length=100, description="Registered holder name (checked when set)"
    )


class AccountRead(AccountSeed):
    account_number: str


class FaultSpec(_Model):
    mode: Literal["none", "error", "timeout"] = "none"
    count: int = Field(
        default=1, ge=0, le=1000, description="How many batch calls the fault affects"
    )
    delay_seconds: float = Field(
        default=5.0, ge=0, le=120, description="Answer delay in timeout mode"
    )


class Transfer(BaseModel):
    instruction_id: str
    batch_id: str
    account_number: str
    amount: Amount
    bank_reference: str
    at: dt.datetime


@dataclass
class _Store:
    accounts: dict[str, AccountSeed] = field(default_factory=dict)
    instructions: dict[str, tuple[TransferInstruction, InstructionResult]] = field(
        default_factory=dict
    )
    batches: dict[str, list[str]] = field(default_factory=dict)
    transfers: list[Transfer] = field(default_factory=list)
    fault: FaultSpec = field(default_factory=FaultSpec)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_FAILURES = {
    "closed": ("ACCOUNT_CLOSED", "The beneficiary account is closed."),
    "frozen": ("ACCOUNT_FROZEN", "The beneficiary account is frozen."),
}


def _problem(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {
            "type": f"https://bank.example.cn/problems/{code}",
            "title": code,
            "status": status,
            "detail": detail,
            "code": code,
        },
        status_code=status,
        media_type=MEDIA_TYPE,
    )


def _settle(store: _Store, batch_id: str, ins: TransferInstruction) -> InstructionResult:
    now = dt.datetime.now(dt.UTC)
    account = store.accounts.get(ins.account_number)
    failure: tuple[str, str] | None = None
    if account is not None and account.status in _FAILURES:
        failure = _FAILURES[account.status]
    elif account is not None and account.name and account.name != ins.account_name:
        failure = ("NAME_MISMATCH", "The account name does not match the account holder.")
    if failure:
        return InstructionResult(
            instruction_id=ins.instruction_id,
            batch_id=batch_id,
            status="failed",
            amount=ins.amount,
            failure_code=failure[0],
            failure_reason=failure[1],
            processed_at=now,
        )
    ref = f"BK{now:%Y%m%d}{secrets.token_hex(6).upper()}"
    store.transfers.append(
        Transfer(
            instruction_id=ins.instruction_id,
            batch_id=batch_id,
            account_number=ins.account_number,
            amount=ins.amount,
            bank_reference=ref,
            at=now,
        )
    )
    return InstructionResult(
        instruction_id=ins.instruction_id,
        batch_id=batch_id,
        status="settled",
        amount=ins.amount,
        bank_reference=ref,
        processed_at=now,
    )


def _summary(batch_id: str, results: list[InstructionResult]) -> BatchResponse:
    settled = [r for r in results if r.status == "settled"]
    return BatchResponse(
        batch_id=batch_id,
        results=results,
        settled_count=len(settled),
        settled_total=sum((r.amount for r in settled), Decimal("0.00")),
        failed_count=len(results) - len(settled),
    )


def _take_fault(store: _Store) -> FaultSpec | None:
    if store.fault.mode == "none" or store.fault.count <= 0:
        return None
    fault = store.fault
    store.fault = fault.model_copy(update={"count": fault.count - 1})
    return fault


def create_app() -> FastAPI:
    store = _Store()
    app = FastAPI(
        title="Bank simulator", version="1.0.0", description=__doc__ or "", docs_url="/docs"
    )
    app.state.store = store
    install_problem_handlers(app)
    conflict: dict[int | str, dict[str, Any]] = {
        409: {
            "content": {MEDIA_TYPE: {}},
            "description": "instruction id reused with other content",
        },
        503: {"content": {MEDIA_TYPE: {}}, "description": "injected fault: bank unavailable"},
    }

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        "/bank/v1/batches",
        response_model=BatchResponse,
        responses=conflict,
        tags=["bank"],
        summary="Pay a batch of transfers (idempotent on batch_id and instruction_id)",
    )
    async def submit_batch(batch: BatchRequest) -> BatchResponse | JSONResponse:
        delay = 0.0
        async with store.lock:
            fault = _take_fault(store)
            if fault is not None and fault.mode == "error":
                return _problem(503, "bank_unavailable", "Injected fault: the bank is unavailable.")
            seen: set[str] = set()
            for ins in batch.instructions:
                prior = store.instructions.get(ins.instruction_id)
                if ins.instruction_id in seen or (prior is not None and prior[0] != ins):
                    return _problem(
                        409,
                        "instruction_conflict",
                        f"Instruction {ins.instruction_id} was already given with other content.",
                    )
                seen.add(ins.instruction_id)
            results: list[InstructionResult] = []
            members = store.batches.setdefault(batch.batch_id, [])
            for ins in batch.instructions:
                prior = store.instructions.get(ins.instruction_id)
                if prior is None:
                    prior = (ins, _settle(store, batch.batch_id, ins))
                    store.instructions[ins.instruction_id] = prior
                    members.append(ins.instruction_id)
                results.append(prior[1])
            if fault is not None and fault.mode == "timeout":
                delay = fault.delay_seconds
        if delay:
            await asyncio.sleep(
                delay
            )  # paid, but the answer is late: the caller must not pay twice
        return _summary(batch.batch_id, results)

    @app.get(
        "/bank/v1/batches/{batch_id}",
        response_model=BatchResponse,
        tags=["bank"],
        summary="Results of every instruction received under a batch id",
    )
    async def get_batch(batch_id: str) -> BatchResponse | JSONResponse:
        ids = store.batches.get(batch_id)
        if ids is None:
            return _problem(404, "not_found", f"No batch {batch_id}.")
        return _summary(batch_id, [store.instructions[i][1] for i in ids])

    @app.get(
        "/bank/v1/instructions/{instruction_id}",
        response_model=InstructionResult,
        tags=["bank"],
        summary="Status enquiry for one instruction (reconciliation)",
    )
    async def get_instruction(instruction_id: str) -> InstructionResult | JSONResponse:
        found = store.instructions.get(instruction_id)
        if found is None:
            return _problem(404, "not_found", f"No instruction {instruction_id}.")
        return found[1]

    @app.put(
        "/sim/accounts/{account_number}",
        response_model=AccountRead,
        tags=["simulation"],
        summary="Seed an account's status (active|closed|frozen) and holder name",
    )
    async def put_account(
        seed: AccountSeed, account_number: str = Path(min_length=1, max_length=40)
    ) -> AccountRead:
        store.accounts[account_number] = seed
        return AccountRead(account_number=account_number, **seed.model_dump())

    @app.get("/sim/accounts/{account_number}", response_model=AccountRead, tags=["simulation"])
    async def get_account(account_number: str) -> AccountRead:
        seed = store.accounts.get(account_number, AccountSeed())
        return AccountRead(account_number=account_number, **seed.model_dump())

    @app.put(
        "/sim/faults",
        response_model=FaultSpec,
        tags=["simulation"],
        summary="Make the next N batch calls fail (503) or answer late after paying",
    )
    async def put_faults(spec: FaultSpec) -> FaultSpec:
        store.fault = spec
        return spec

    @app.get(
        "/sim/transfers",
        response_model=list[Transfer],
        tags=["simulation"],
        summary="Money actually moved (one row per paid instruction)",
    )
    async def list_transfers(batch_id: str | None = Query(None)) -> list[Transfer]:
        return [t for t in store.transfers if batch_id is None or t.batch_id == batch_id]

    @app.post("/sim/reset", status_code=204, tags=["simulation"])
    async def reset() -> None:
        async with store.lock:
            store.accounts.clear()
            store.instructions.clear()
            store.batches.clear()
            store.transfers.clear()
            store.fault = FaultSpec()

    return app
