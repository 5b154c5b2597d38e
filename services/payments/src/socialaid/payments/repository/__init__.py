"""Queries over payments tables; rows come back as the records of ``domain.records``.

Never commits: the caller's unit of work does.
"""

from socialaid.db.records import parse_uuid
from socialaid.payments.repository.entitlements import EntitlementRepository
from socialaid.payments.repository.ledger import LedgerRepository
from socialaid.payments.repository.payrolls import PayrollRepository

__all__ = ["EntitlementRepository", "LedgerRepository", "PayrollRepository", "parse_uuid"]
