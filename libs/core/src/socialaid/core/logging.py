"""JSON logs with trace ids. Callers log identifiers (case ids), never personal data.

Exceptions are rendered without the values they may carry: a database error's message
(SQLAlchemy's ``[parameters: …]``, a driver's "invalid input … 'value'") and a validation
error's input are withheld; the exception types, SQL states, statements and stack frames
stay, which is what diagnosis needs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from types import TracebackType
from typing import Any

from opentelemetry import trace

_STD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            payload["trace_id"] = f"{ctx.trace_id:032x}"
            payload["span_id"] = f"{ctx.span_id:016x}"
        for key, value in record.__dict__.items():
            if key not in _STD_ATTRS and not key.startswith("_"):
                payload[key] = (
                    value if isinstance(value, str | int | float | bool | None) else str(value)
                )
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)

    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        exc = ei[1]
        return "(no exception)" if exc is None else format_exception_safely(exc)


# Exceptions whose message may quote row values or request input.
_VALUE_CARRYING = ("asyncpg", "sqlalchemy", "psycopg", "pydantic", "pydantic_core")


def safe_exception_text(exc: BaseException) -> str:
    """The exception's type and, unless it may carry row values or input, its message."""
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if not type(exc).__module__.startswith(_VALUE_CARRYING):
        return f"{name}: {exc}"
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(exc, "sqlstate", None) or getattr(orig, "sqlstate", None)
    statement = getattr(exc, "statement", None)
    detail = [f"sqlstate {sqlstate}"] if sqlstate else []
    if statement:
        detail.append(f"statement: {' '.join(str(statement).split())[:500]}")
    errors = getattr(exc, "errors", None)
    if callable(errors) and type(exc).__module__.startswith("pydantic"):
        try:
            locs = [".".join(str(p) for p in e["loc"]) + f" ({e['type']})" for e in errors()]
            detail.append("invalid: " + ", ".join(locs[:20]))
        except Exception:  # pragma: no cover - a foreign errors() we cannot read
            pass
    detail.append("message withheld: it may quote personal data")
    return f"{name} [{'; '.join(detail)}]"


def format_exception_safely(exc: BaseException) -> str:
    """The traceback of ``exc`` and its causes, each message passed through
    :func:`safe_exception_text`."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts = [
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_tb(e.__traceback__))
        + safe_exception_text(e)
        for e in reversed(chain)
    ]
    return "\n\nwhich caused:\n\n".join(parts)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka", "uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
