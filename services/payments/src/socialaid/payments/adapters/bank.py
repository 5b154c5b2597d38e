"""Client of the paying bank's batch-transfer interface (the bank simulator in development).

The bank is idempotent on ``batch_id`` and ``instruction_id``; this client may
therefore resend after a timeout without risk of paying twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ValidationError

from socialaid.core.errors import Unavailable
from socialaid.payments.config import Settings

log = logging.getLogger("socialaid.payments.bank")


class BankUnavailable(Unavailable):
    """The bank did not answer usefully (down, timeout, 5xx): retry later, nothing was recorded."""

    code = "bank_unavailable"


class BankRejected(Unavailable):
    """The bank refused the request itself (4xx): an operator must look at it."""

    status, code, title = 502, "bank_rejected", "Bank rejected the request"


class BankResult(BaseModel):
    instruction_id: str
    status: Literal["settled", "failed"]
    bank_reference: str | None = None
    failure_code: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class Transfer:
    instruction_id: str
    account_number: str
    account_name: str
    amount: Decimal
    remark: str

    def to_json(self) -> dict[str, Any]:
        return {
            "instruction_id": self.instruction_id,
            "account_number": self.account_number,
            "account_name": self.account_name,
            "amount": str(self.amount),
            "currency": "CNY",
            "remark": self.remark,
        }


class BankClient:
    def __init__(self, base_url: str, *, timeout: float = 10.0, payer_account: str):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.payer_account = payer_account

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout) as client:
                resp = await client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BankUnavailable(f"The bank did not answer: {type(exc).__name__}.") from exc
        if resp.status_code >= 500:
            raise BankUnavailable(f"The bank answered {resp.status_code}.")
        return resp

    async def submit_batch(self, batch_id: str, transfers: list[Transfer]) -> list[BankResult]:
        resp = await self._call(
            "POST",
            "/bank/v1/batches",
            json={
                "batch_id": batch_id,
                "payer_account": self.payer_account,
                "instructions": [t.to_json() for t in transfers],
            },
        )
        if resp.status_code != 200:
            raise BankRejected(
                f"The bank refused batch {batch_id}: {resp.status_code} {resp.text[:500]}"
            )
        try:
            return [BankResult.model_validate(r) for r in resp.json()["results"]]
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            raise BankUnavailable("The bank's answer could not be read.") from exc

    async def enquire(self, instruction_id: str) -> BankResult | None:
        """Status enquiry for one instruction; ``None`` when the bank never received it."""
        resp = await self._call("GET", f"/bank/v1/instructions/{instruction_id}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise BankRejected(f"Enquiry for {instruction_id} failed: {resp.status_code}")
        return BankResult.model_validate(resp.json())


def bank_client(settings: Settings) -> BankClient:
    """The client of the bank configured for this service."""
    return BankClient(
        settings.bank_url,
        timeout=settings.bank_timeout_seconds,
        payer_account=settings.payer_account,
    )
