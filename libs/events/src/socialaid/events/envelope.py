"""CloudEvents 1.0 in Kafka binary content mode: attributes in ``ce_*`` headers, JSON data as value."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


class EnvelopeError(ValueError):
    """The message is not a valid CloudEvent."""


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    data: dict[str, Any]
    time: dt.datetime
    subject: str | None = None
    sequence: int | None = None
    traceparent: str | None = None
    extensions: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        h = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "content-type": CONTENT_TYPE,
        }
        if self.subject is not None:
            h["ce_subject"] = self.subject
        if self.sequence is not None:
            h["ce_sequence"] = str(self.sequence)
        if self.traceparent:
            h["traceparent"] = self.traceparent
        for k, v in self.extensions.items():
            h[f"ce_{k}"] = v
        return h

    def value(self) -> bytes:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_kafka(
        cls, headers: Iterable[tuple[str, bytes]] | None, value: bytes | None
    ) -> Envelope:
        h: dict[str, str] = {}
        for k, v in headers or ():
            try:
                h[k] = v.decode() if v is not None else ""
            except UnicodeDecodeError as exc:
                raise EnvelopeError(f"header {k} is not UTF-8") from exc
        return cls.from_headers(h, value)

    @classmethod
    def from_headers(cls, h: dict[str, str], value: bytes | None) -> Envelope:
        missing = [a for a in ("ce_specversion", "ce_id", "ce_source", "ce_type") if not h.get(a)]
        if missing:
            raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
        if h["ce_specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported specversion {h['ce_specversion']}")
        if value is None:
            raise EnvelopeError("message has no data")
        try:
            data = json.loads(value)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EnvelopeError(f"data is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise EnvelopeError("data must be a JSON object")
        try:
            time = dt.datetime.fromisoformat(h.get("ce_time", "").replace("Z", "+00:00"))
        except ValueError as exc:
            raise EnvelopeError("ce_time is not an RFC 3339 timestamp") from exc
        seq = h.get("ce_sequence")
        if seq is not None and not seq.isdigit():
            raise EnvelopeError("ce_sequence must be a non-negative integer")
        known = {
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_time",
            "ce_subject",
            "ce_sequence",
        }
        ext = {k[3:]: v for k, v in h.items() if k.startswith("ce_") and k not in known}
        return cls(
            id=h["ce_id"],
            source=h["ce_source"],
            type=h["ce_type"],
            data=data,
            time=time,
            subject=h.get("ce_subject"),
            sequence=int(seq) if seq is not None else None,
            traceparent=h.get("traceparent"),
            extensions=ext,
        )
