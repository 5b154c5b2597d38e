"""How large an event may be, so that none can jam the relay.

Kafka refuses a record larger than the broker's ``message.max.bytes`` (1 MiB by default, and
the relay's producer refuses anything over its ``max_request_size`` before sending). An event
over that limit would stay at the head of the outbox forever, so :func:`add_event` and
:func:`copy_events` refuse it when it is written: the caller's transaction fails with
:class:`EventTooLarge` (422 ``event_too_large`` over HTTP) and nothing is stored.

The limit is process-wide: a service sets it once at startup from its settings
(:func:`configure_event_limit`, ``<PREFIX>EVENT_MAX_BYTES``); until then it is
:data:`DEFAULT_EVENT_MAX_BYTES`, safely below the broker's default.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka.record.default_records import DefaultRecordBatchBuilder

from socialaid.core.errors import RuleViolation

DEFAULT_EVENT_MAX_BYTES = 900 * 1024
# Room for the ce_sequence header added by the database (a bigint: at most 20 digits).
_SEQUENCE_HEADER = ("ce_sequence", b"9" * 20)

_limit = DEFAULT_EVENT_MAX_BYTES


class EventTooLarge(RuleViolation):
    """The change would produce an event the broker could never carry."""

    code, title = "event_too_large", "Event too large"

    def __init__(self, *, event_type: str, size: int, limit: int):
        super().__init__(
            f"The change would publish a {event_type} event of {size} bytes; "
            f"events are limited to {limit} bytes. Nothing was saved.",
            extra={"event_type": event_type, "size": size, "limit": limit},
        )


def configure_event_limit(max_bytes: int) -> None:
    """Set the process-wide limit (a service calls it once at startup with its setting)."""
    global _limit
    if max_bytes < 1024:
        raise ValueError(f"an event limit of {max_bytes} bytes is too small to be meant")
    _limit = max_bytes


def event_limit() -> int:
    return _limit


def record_size(key: bytes, payload: bytes, headers: Iterable[tuple[str, bytes]]) -> int:
    """Bytes the record takes on the wire in a batch of its own: what the producer checks
    against its ``max_request_size`` and the broker against ``message.max.bytes``."""
    return int(
        DefaultRecordBatchBuilder.estimate_size_in_bytes(key, payload, [*headers, _SEQUENCE_HEADER])
    )


def check_event_size(event_type: str, size: int, limit: int | None = None) -> None:
    """Raise :class:`EventTooLarge` when ``size`` is over the limit (the configured one unless
    ``limit`` is given)."""
    limit = _limit if limit is None else limit
    if size > limit:
        raise EventTooLarge(event_type=event_type, size=size, limit=limit)
