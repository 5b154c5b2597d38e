"""The recording sink behaves like the outbox for a use case under test."""

from __future__ import annotations

import datetime as dt
import uuid

from socialaid.contracts.events import CaseRejected
from socialaid.events.envelope import Envelope
from socialaid.events.sink import EventSink, RecordingSink


def _rejected(case_id: str) -> CaseRejected:
    return CaseRejected(
        case_id=case_id,
        application_id=str(uuid.uuid4()),
        programme="dibao",
        region_code="141102",
        reasons=["income above the standard"],
        rejected_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )


async def test_events_are_kept_in_order_with_per_subject_sequences() -> None:
    sink = RecordingSink(source="/socialaid/intake")
    port: EventSink = sink  # the fake satisfies the port the use cases depend on
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    first = await port.add(_rejected(a))
    await port.add(_rejected(b))
    third = await port.add(_rejected(a))
    assert [e.case_id for e in sink.of_type(CaseRejected)] == [a, b, a]
    assert (first.subject, first.sequence, third.sequence) == (a, 1, 2)
    assert first.source == "/socialaid/intake" and first.type == CaseRejected.TYPE
    # The envelope round-trips like one read back from Kafka.
    assert Envelope.from_headers(first.headers(), first.value()).data == first.data
