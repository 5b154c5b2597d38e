"""Department simulator: public security, human resources, real estate, vehicles and banks.

A stand-in, for development and tests, for the systems that economic verification
(家庭经济状况核对, R-VE-01) queries. Each department answers one batch query
``POST /<department>/v1/...:query`` with ``{"id_numbers": [...]}`` and returns one
result per requested person, in request order. An unknown person is never an error:
the answer is a "no data" record (``found: false``: zero income, no assets), and
public security reports them registered at the region of their ID number and alive.

Money is always a decimal string (``"1234.50"``), never a JSON number.

Test controls under ``/sim``:

- ``PUT /sim/records/{id_number}`` seeds one person's record across all departments;
  ``GET`` reads it back; ``DELETE /sim/records`` forgets every record.
- ``PUT /sim/faults`` makes the next *count* calls to one department fail with 503
  (``mode=error``) or answer only after ``delay_seconds`` (``mode=slow``);
  ``DELETE /sim/faults`` clears them.
- ``GET /sim/calls`` counts the queries each department answered or refused.

Run it with ``python -m socialaid.devsim department --port 8101``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any, Literal

from fastapi import FastAPI, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from socialaid.core.ids import id_number_problem
from socialaid.core.money import NonNegativeMoney

Department = Literal["public_security", "hr", "real_estate", "vehicles", "banks"]
DEPARTMENTS: tuple[str, ...] = ("public_security", "hr", "real_estate", "vehicles", "banks")
ID_PATTERN = r"^\d{17}[\dX]$"
ZERO = Decimal("0.00")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------ seeded records
class Registration(_Model):
    """Household registration (户籍) as public security holds it."""

    region_code: str | None = Field(
        None,
        pattern=r"^\d{6}$",
        description="Registered residence; default: the ID number's first six digits",
    )
    alive: bool = True
    deceased_on: dt.date | None = Field(None, description="Date of death when alive is false")


class Property(_Model):
    """One real-estate holding (不动产登记)."""

    certificate_no: str = Field(..., min_length=1, max_length=60)
    kind: Literal["residential", "commercial", "office", "industrial", "other"] = "residential"
    area_m2: Decimal = Field(Decimal("0"), ge=0)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")


class Vehicle(_Model):
    """One registered motor vehicle (车辆登记)."""

    plate: str = Field(..., min_length=1, max_length=20)
    kind: Literal["car", "truck", "motorcycle", "disability_mobility", "agricultural", "other"] = (
        "car"
    )
    registered_on: dt.date | None = None
    value: NonNegativeMoney | None = Field(None, description="Assessed value in yuan, when known")


class PersonRecord(_Model):
    """Everything the simulated departments know about one person."""

    registration: Registration = Field(default_factory=Registration)
    wages_monthly: NonNegativeMoney = Field(
        ZERO,
        description="Average monthly wages after tax and personal "
        "social insurance (human resources)",
    )
    pension_monthly: NonNegativeMoney = Field(ZERO, description="Total monthly pension paid")
    pension_central_basic_monthly: NonNegativeMoney = Field(
        ZERO,
        description="Part of pension_monthly that is the centrally set basic pension of the urban-rural "
        "residents' scheme (not countable income, rules §2)",
    )
    unemployment_monthly: NonNegativeMoney = Field(ZERO, description="Monthly unemployment benefit")
    properties: list[Property] = Field(default_factory=list)
    vehicles: list[Vehicle] = Field(default_factory=list)
    deposits: NonNegativeMoney = Field(ZERO, description="Total bank deposits in yuan")

    @field_validator("pension_central_basic_monthly")
    @classmethod
    def _basic_within_total(cls, v: Decimal, info) -> Decimal:  # type: ignore[no-untyped-def]
        total = info.data.get("pension_monthly")
        if total is not None and v > total:
            raise ValueError("pension_central_basic_monthly cannot exceed pension_monthly")
        return v


# ------------------------------------------------------------------ query protocol
class PersonsQuery(_Model):
    """Batch query: the people to look up (the household's members)."""

    id_numbers: list[str] = Field(
        ..., min_length=1, max_length=200, description="GB 11643 citizen ID numbers"
    )
    request_id: str | None = Field(
        None, max_length=100, description="Caller's correlation id, echoed back"
    )

    @field_validator("id_numbers")
    @classmethod
    def _valid_ids(cls, values: list[str]) -> list[str]:
        for v in values:
            problem = id_number_problem(v)
            if problem:
                raise ValueError(f"{v[:6]}…: {problem}")
        return [v.upper() for v in values]


class _Result(BaseModel):
    id_number: str
    found: bool = Field(description="False when the department holds no record for this person")


class RegistrationResult(_Result):
    region_code: str
    alive: bool
    deceased_on: dt.date | None = None


class IncomeResult(_Result):
    wages_monthly: NonNegativeMoney
    pension_monthly: NonNegativeMoney
    pension_central_basic_monthly: NonNegativeMoney
    unemployment_monthly: NonNegativeMoney


class PropertiesResult(_Result):
    properties: list[Property]


class VehiclesResult(_Result):
    vehicles: list[Vehicle]


class DepositsResult(_Result):
    deposits: NonNegativeMoney


class _Answer(BaseModel):
    department: Department
    request_id: str | None = None
    answered_at: dt.datetime


class RegistrationAnswer(_Answer):
    results: list[RegistrationResult]


class IncomeAnswer(_Answer):
    results: list[IncomeResult]


class PropertiesAnswer(_Answer):
    results: list[PropertiesResult]


class VehiclesAnswer(_Answer):
    results: list[VehiclesResult]


class DepositsAnswer(_Answer):
    results: list[DepositsResult]


# ------------------------------------------------------------------ faults
class FaultSpec(_Model):
    """Make the next ``count`` calls to ``department`` fail (503) or answer slowly."""

    department: Department
    mode: Literal["error", "slow"]
    count: int = Field(1, ge=1, le=10_000)
    delay_seconds: float = Field(2.0, ge=0, le=120, description="Delay for mode=slow")


class _State:
    def __init__(self) -> None:
        self.records: dict[str, PersonRecord] = {}
        self.faults: dict[str, FaultSpec] = {}
        self.calls: Counter[str] = Counter()

    def record(self, id_number: str) -> tuple[bool, PersonRecord]:
        rec = self.records.get(id_number.upper())
        return (True, rec) if rec is not None else (False, PersonRecord())

    async def fault(self, department: str) -> JSONResponse | None:
        """Apply (and use up) a pending fault for ``department``; a response means: refuse the call."""
        self.calls[department] += 1
        spec = self.faults.get(department)
        if spec is None:
            return None
        remaining = spec.count - 1
        if remaining <= 0:
            del self.faults[department]
        else:
            self.faults[department] = spec.model_copy(update={"count": remaining})
        if spec.mode == "slow":
            await asyncio.sleep(spec.delay_seconds)
            return None
        return JSONResponse(
            {
                "type": "about:blank",
                "title": "Service unavailable",
                "status": 503,
                "detail": f"simulated {department} outage",
            },
            status_code=503,
            media_type="application/problem+json",
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


FAULT_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"description": "Simulated outage (see PUT /sim/faults)"}
}


def create_app() -> FastAPI:
    """The department simulator app (state lives in the app instance, in memory)."""
    state = _State()
    app = FastAPI(
        title="Department simulator",
        description=__doc__,
        version="0.1.0",
    )
    app.state.sim = state

    @app.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # -------------------------------------------------------------- simulator controls
    IdPath = Path(..., pattern=ID_PATTERN, description="GB 11643 citizen ID number")

    @app.put(
        "/sim/records/{id_number}",
        tags=["simulator"],
        response_model=PersonRecord,
        summary="Seed (replace) one person's record in every department",
    )
    async def put_record(record: PersonRecord, id_number: str = IdPath) -> PersonRecord:
        state.records[id_number.upper()] = record
        return record

    @app.get(
        "/sim/records/{id_number}",
        tags=["simulator"],
        response_model=PersonRecord,
        summary="A person's record (the 'no data' default when not seeded)",
    )
    async def get_record(id_number: str = IdPath) -> PersonRecord:
        return state.record(id_number)[1]

    @app.delete("/sim/records", tags=["simulator"], summary="Forget every seeded record")
    async def delete_records() -> dict[str, int]:
        n = len(state.records)
        state.records.clear()
        return {"deleted": n}

    @app.put(
        "/sim/faults", tags=["simulator"], summary="Fail or slow down a department's next calls"
    )
    async def put_fault(spec: FaultSpec) -> dict[str, FaultSpec]:
        state.faults[spec.department] = spec
        return dict(state.faults)

    @app.get("/sim/faults", tags=["simulator"], summary="Pending faults")
    async def get_faults() -> dict[str, FaultSpec]:
        return dict(state.faults)

    @app.delete("/sim/faults", tags=["simulator"], summary="Clear every pending fault")
    async def delete_faults() -> dict[str, int]:
        n = len(state.faults)
        state.faults.clear()
        return {"cleared": n}

    @app.get(
        "/sim/calls", tags=["simulator"], summary="Queries received per department since start"
    )
    async def get_calls() -> dict[str, int]:
        return {d: state.calls[d] for d in DEPARTMENTS}

    # -------------------------------------------------------------- department endpoints
    @app.post(
        "/public-security/v1/persons:query",
        tags=["public security"],
        response_model=RegistrationAnswer,
        responses=FAULT_RESPONSES,
        summary="Household registration and deaths (户籍、死亡) for a batch of people",
    )
    async def query_persons(q: PersonsQuery) -> RegistrationAnswer | JSONResponse:
        if (refused := await state.fault("public_security")) is not None:
            return refused
        results = []
        for idn in q.id_numbers:
            found, rec = state.record(idn)
            reg = rec.registration
            results.append(
                RegistrationResult(
                    id_number=idn,
                    found=found,
                    region_code=reg.region_code or idn[:6],
                    alive=reg.alive,
                    deceased_on=reg.deceased_on,
                )
            )
        return RegistrationAnswer(
            department="public_security",
            request_id=q.request_id,
            answered_at=_now(),
            results=results,
        )

    @app.post(
        "/hr/v1/income:query",
        tags=["human resources"],
        response_model=IncomeAnswer,
        responses=FAULT_RESPONSES,
        summary="Wages, pensions and unemployment benefit (人社: 就业、养老、失业) per person, monthly",
    )
    async def query_income(q: PersonsQuery) -> IncomeAnswer | JSONResponse:
        if (refused := await state.fault("hr")) is not None:
            return refused
        results = []
        for idn in q.id_numbers:
            found, rec = state.record(idn)
            results.append(
                IncomeResult(
                    id_number=idn,
                    found=found,
                    wages_monthly=rec.wages_monthly,
                    pension_monthly=rec.pension_monthly,
                    pension_central_basic_monthly=rec.pension_central_basic_monthly,
                    unemployment_monthly=rec.unemployment_monthly,
                )
            )
        return IncomeAnswer(
            department="hr", request_id=q.request_id, answered_at=_now(), results=results
        )

    @app.post(
        "/real-estate/v1/holdings:query",
        tags=["real estate"],
        response_model=PropertiesAnswer,
        responses=FAULT_RESPONSES,
        summary="Registered real estate (不动产) per person",
    )
    async def query_properties(q: PersonsQuery) -> PropertiesAnswer | JSONResponse:
        if (refused := await state.fault("real_estate")) is not None:
            return refused
        results = []
        for idn in q.id_numbers:
            found, rec = state.record(idn)
            results.append(PropertiesResult(id_number=idn, found=found, properties=rec.properties))
        return PropertiesAnswer(
            department="real_estate", request_id=q.request_id, answered_at=_now(), results=results
        )

    @app.post(
        "/vehicles/v1/holdings:query",
        tags=["vehicles"],
        response_model=VehiclesAnswer,
        responses=FAULT_RESPONSES,
        summary="Registered motor vehicles (车辆) per person",
    )
    async def query_vehicles(q: PersonsQuery) -> VehiclesAnswer | JSONResponse:
        if (refused := await state.fault("vehicles")) is not None:
            return refused
        results = []
        for idn in q.id_numbers:
            found, rec = state.record(idn)
            results.append(VehiclesResult(id_number=idn, found=found, vehicles=rec.vehicles))
        return VehiclesAnswer(
            department="vehicles", request_id=q.request_id, answered_at=_now(), results=results
        )

    @app.post(
        "/banks/v1/deposits:query",
        tags=["banks"],
        response_model=DepositsAnswer,
        responses=FAULT_RESPONSES,
        summary="Total bank deposits (存款) per person",
    )
    async def query_deposits(q: PersonsQuery) -> DepositsAnswer | JSONResponse:
        if (refused := await state.fault("banks")) is not None:
            return refused
        results = []
        for idn in q.id_numbers:
            found, rec = state.record(idn)
            results.append(DepositsResult(id_number=idn, found=found, deposits=rec.deposits))
        return DepositsAnswer(
            department="banks", request_id=q.request_id, answered_at=_now(), results=results
        )

    return app
