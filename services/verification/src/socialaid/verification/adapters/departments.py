"""Department connector: batch queries over HTTP with timeouts and a bounded retry (R-VE-01).

One call per department for the whole household, all departments concurrently. Each
attempt is recorded (status, duration, error) for the audit trail. Timeouts, connection
errors and 5xx answers are retried with exponential back-off; a department that is still
unavailable afterwards raises :class:`DepartmentUnavailable` (transient: the consumer
runner retries the whole message later). A 4xx answer or a malformed body means the two
sides disagree on the protocol: :class:`DepartmentProtocolError` (never retried).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    path: str
    scope: str  # consent scope item that authorises the query


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("public_security", "/public-security/v1/persons:query", "registration"),
    DepartmentSpec("hr", "/hr/v1/income:query", "income"),
    DepartmentSpec("real_estate", "/real-estate/v1/holdings:query", "real_estate"),
    DepartmentSpec("vehicles", "/vehicles/v1/holdings:query", "vehicles"),
    DepartmentSpec("banks", "/banks/v1/deposits:query", "deposits"),
)


class DepartmentUnavailable(Exception):
    """A department did not answer after the bounded retries (transient)."""

    def __init__(self, departments: list[str], attempts: list[Attempt]):
        self.departments = departments
        self.attempts = attempts
        last = {a.department: a for a in attempts if a.department in departments}
        detail = ", ".join(
            f"{d} ({last[d].status}: {last[d].error})" for d in departments if d in last
        )
        super().__init__(f"department_unavailable: {detail}")


class DepartmentProtocolError(Exception):
    """A department refused the request (4xx) or answered something we cannot read (permanent)."""


# ------------------------------------------------------------------ what we read from the answers
class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PersonResult(_Lenient):
    id_number: str
    found: bool = False
    region_code: str | None = None
    alive: bool = True
    deceased_on: dt.date | None = None
    wages_monthly: Decimal = Decimal("0")
    pension_monthly: Decimal = Decimal("0")
    pension_central_basic_monthly: Decimal = Decimal("0")
    unemployment_monthly: Decimal = Decimal("0")
    properties: list[dict[str, Any]] = []
    vehicles: list[dict[str, Any]] = []
    deposits: Decimal = Decimal("0")


class _AnswerBody(_Lenient):
    results: list[PersonResult]


@dataclass(frozen=True)
class Attempt:
    department: str
    attempt: int
    request_hash: str
    status: str  # ok | error | timeout | unreachable | refused
    http_status: int | None
    duration_ms: int
    error: str | None
    queried_at: dt.datetime


@dataclass(frozen=True)
class DepartmentAnswer:
    department: str
    fetched_at: dt.datetime
    body: dict[str, Any]
    raw: bytes
    results: dict[str, PersonResult] = field(default_factory=dict)

    @property
    def response_hash(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def request_hash(department: str, id_numbers: list[str], key: str) -> str:
    """Keyed hash of a request: equal requests hash equally without keeping ID numbers."""
    canonical = json.dumps(
        {"department": department, "id_numbers": sorted(id_numbers)}, separators=(",", ":")
    )
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


class DepartmentGateway:
    def __init__(
        self,
        *,
        base_url: str,
        timeout: float,
        retries: int,
        backoff: float,
        hash_key: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.hash_key = hash_key
        self.transport = transport

    async def query_all(
        self,
        id_numbers: list[str],
        *,
        request_id: str,
        departments: tuple[DepartmentSpec, ...] = DEPARTMENTS,
    ) -> tuple[dict[str, DepartmentAnswer], list[Attempt]]:
        """Query every department for every person concurrently; raise if one stays unavailable."""
        attempts: list[Attempt] = []
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, transport=self.transport
        ) as client:
            outcomes = await asyncio.gather(
                *(self._query(client, d, id_numbers, request_id, attempts) for d in departments),
                return_exceptions=True,
            )
        answers: dict[str, DepartmentAnswer] = {}
        down: list[str] = []
        for spec, outcome in zip(departments, outcomes, strict=True):
            if isinstance(outcome, DepartmentAnswer):
                answers[spec.name] = outcome
            elif isinstance(outcome, _Unavailable):
                down.append(spec.name)
            elif isinstance(outcome, BaseException):
                raise outcome
        if down:
            raise DepartmentUnavailable(down, attempts)
        return answers, attempts

    async def _query(
        self,
        client: httpx.AsyncClient,
        spec: DepartmentSpec,
        id_numbers: list[str],
        request_id: str,
        attempts: list[Attempt],
    ) -> DepartmentAnswer:
        body = {"id_numbers": id_numbers, "request_id": request_id}
        digest = request_hash(spec.name, id_numbers, self.hash_key)
        for n in range(1, self.retries + 2):
            at = dt.datetime.now(dt.UTC)
            started = time.monotonic()
            http_status: int | None = None
            try:
                resp = await client.post(spec.path, json=body)
                http_status = resp.status_code
            except httpx.TimeoutException as exc:
                status, error = (
                    "timeout",
                    f"no answer within {self.timeout}s ({type(exc).__name__})",
                )
            except httpx.TransportError as exc:
                status, error = "unreachable", f"{type(exc).__name__}: {exc}"[:500]
            else:
                if resp.status_code >= 500 or resp.status_code == 429:
                    status, error = "error", f"HTTP {resp.status_code}"
                elif resp.status_code >= 400:
                    attempts.append(
                        Attempt(
                            spec.name,
                            n,
                            digest,
                            "refused",
                            http_status,
                            _ms(started),
                            f"HTTP {resp.status_code}: {resp.text[:300]}",
                            at,
                        )
                    )
                    raise DepartmentProtocolError(
                        f"{spec.name} refused the query: HTTP {resp.status_code}"
                    )
                else:
                    answer = _parse(spec.name, resp, id_numbers, at)
                    attempts.append(
                        Attempt(spec.name, n, digest, "ok", http_status, _ms(started), None, at)
                    )
                    return answer
            attempts.append(
                Attempt(spec.name, n, digest, status, http_status, _ms(started), error, at)
            )
            if n <= self.retries:
                await asyncio.sleep(self.backoff * 2 ** (n - 1))
        raise _Unavailable(spec.name)


class _Unavailable(Exception):
    pass


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _parse(
    department: str, resp: httpx.Response, id_numbers: list[str], at: dt.datetime
) -> DepartmentAnswer:
    try:
        body = resp.json()
        parsed = _AnswerBody.model_validate(body)
    except (ValueError, ValidationError) as exc:
        raise DepartmentProtocolError(
            f"{department} answered an unreadable body: {exc}"[:1000]
        ) from exc
    results = {r.id_number.upper(): r for r in parsed.results}
    missing = [i for i in id_numbers if i.upper() not in results]
    if missing:
        raise DepartmentProtocolError(
            f"{department} left {len(missing)} requested person(s) unanswered"
        )
    return DepartmentAnswer(department, at, body, resp.content, results)
