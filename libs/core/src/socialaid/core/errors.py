"""Domain errors raised below the router; the web layer renders them as RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self, detail: str, *, code: str | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra or {}


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class RuleViolation(DomainError):
    status, code, title = 422, "rule_violation", "Rule violation"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class Unavailable(DomainError):
    status, code, title = 503, "unavailable", "Service unavailable"
