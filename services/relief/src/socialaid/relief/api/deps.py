from socialaid.web.idempotency import IdempotencyKey
from socialaid.web.service import DbDep

__all__ = ["DbDep", "IdempotencyKey"]
