"""Writing events: inserted into the service's outbox in the caller's transaction, never sent here."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from collections.abc import AsyncIterator, Callable, Sequence
from time import perf_counter as _clock
from typing import Any

from sqlalchemy import LargeBinary, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.contracts.base import Contract
from socialaid.core.ids import uuid7, uuid7_block, uuid_texts
from socialaid.core.jsontext import json_string_inner
from socialaid.core.telemetry import current_traceparent
from socialaid.db.pgcopy import (
    HEADER,
    TRAILER,
    fixed_field,
    iter_fixed_rows,
    jsonb_field,
    length_prefixed,
    row_prefix,
)
from socialaid.events.envelope import CONTENT_TYPE, SPEC_VERSION, Envelope
from socialaid.events.limits import check_event_size, event_limit, record_size

NOTIFY_CHANNEL = "socialaid_outbox"

# One round trip: take the subject's next sequence number and insert the row with it.
_INSERT = text(
    """
    WITH seq AS (
        INSERT INTO outbox_sequence (subject, last_sequence) VALUES (:subject, 1)
        ON CONFLICT (subject) DO UPDATE SET last_sequence = outbox_sequence.last_sequence + 1
        RETURNING last_sequence
    )
    INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
    SELECT :event_id, :topic, :key, :event_type,
           CAST(:headers AS jsonb) || jsonb_build_object('ce_sequence', seq.last_sequence::text), :payload
    FROM seq
    RETURNING (headers->>'ce_sequence')::bigint
    """
).bindparams(bindparam("payload", type_=LargeBinary), bindparam("event_id", type_=Uuid))


async def add_event(
    session: AsyncSession,
    event: Contract,
    *,
    source: str,
    key: str | None = None,
    subject: str | None = None,
) -> Envelope:
    """Queue ``event`` for publication when (and only if) the caller's transaction commits.

    Each subject gets a gap-free, increasing ``sequence`` so consumers can drop
    stale (older) events that arrive after newer ones. An event whose record (key, headers and
    payload) is over the configured limit (:mod:`socialaid.events.limits`) raises
    :class:`~socialaid.events.limits.EventTooLarge` before anything is written, so the caller's
    transaction fails and stores nothing rather than queue an event the broker would refuse.
    """
    subject = subject or event.subject()
    draft = Envelope(
        id=str(uuid7()),
        source=source,
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=subject,
        traceparent=current_traceparent(),
    )
    headers = draft.headers()
    payload = draft.value()
    key = key or subject
    size = record_size(key.encode(), payload, [(k, v.encode()) for k, v in headers.items()])
    check_event_size(draft.type, size)
    sequence = (
        await session.execute(
            _INSERT,
            {
                "subject": subject,
                "event_id": draft.id,
                "topic": event.TOPIC,
                "key": key,
                "event_type": draft.type,
                "headers": json.dumps(headers),
                "payload": payload,
            },
        )
    ).scalar_one()
    env = dataclasses.replace(draft, sequence=sequence)
    if not session.info.get("outbox_notified"):
        # One wake-up per transaction is enough; PostgreSQL delivers it at commit.
        await session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        session.info["outbox_notified"] = True
    return env


async def copy_events(
    conn: Any,
    contract: type[Contract],
    *,
    source: str,
    subjects: Sequence[str],
    payloads: Sequence[bytes] | Callable[[int, int], Sequence[bytes]],
    time: dt.datetime | None = None,
    chunk_rows: int = 20_000,
    prefetch_rows: int = 400_000,
    timings: dict[str, float] | None = None,
) -> int:
    """Queue many events of one contract in the caller's transaction with binary COPY.

    For bulk jobs (a recalculation queues hundreds of thousands of events): ``payloads[i]`` is the
    JSON data of the event about ``subjects[i]`` (at most one event per subject per call); or
    ``payloads(lo, hi)`` returns those of rows ``lo … hi-1``, called chunk by chunk so that
    encoding them overlaps with the server's work (up to ``prefetch_rows`` while it takes the
    sequences, then each chunk while it copies the previous one). Each
    row gets the same CloudEvents headers and per-subject sequence as :func:`add_event` would give
    it: the sequences are taken with one set-based ``UPDATE``/``INSERT`` of ``outbox_sequence``
    (row locks held to commit, so a subject's sequence still follows commit order), and the rows
    are streamed into ``outbox`` in chunks while the next chunk is encoded. Event ids are
    consecutive UUIDv7 values. ``conn`` is the asyncpg connection of the caller's transaction.
    The first and last payloads are checked against ``contract``, and every row's size against
    the configured event limit (key + headers + payload + a record's overhead, a bound at least
    the wire size): an oversize one raises :class:`~socialaid.events.limits.EventTooLarge`,
    which aborts the COPY and so the caller's transaction. Returns the number queued;
    ``timings`` (if given) receives the seconds spent on sequences and on the COPY.
    """
    n = len(subjects)
    if callable(payloads):
        produce = payloads
    elif len(payloads) != n:
        raise ValueError("one payload per subject")
    else:
        fixed_payloads = payloads

        def produce(lo: int, hi: int) -> Sequence[bytes]:
            return fixed_payloads[lo:hi]

    if n == 0:
        return 0
    if len(set(subjects)) != n:
        raise ValueError("at most one event per subject in one call")
    for i in {0, n - 1}:
        if contract.model_validate_json(produce(i, i + 1)[0]).subject() != subjects[i]:
            raise ValueError(f"payload {i} is not about subject {subjects[i]!r}")
    t0 = _clock()
    taking = asyncio.ensure_future(_take_sequences(conn, subjects))
    ready: dict[int, Sequence[bytes]] = {}  # payloads encoded while the server takes sequences
    if callable(payloads):
        lo = 0
        while lo < min(n, prefetch_rows):
            await asyncio.sleep(0)
            if taking.done():
                break
            ready[lo] = produce(lo, min(n, lo + chunk_rows))
            lo += chunk_rows
    sequences = await taking
    t1 = _clock()
    event_ids = uuid7_block(n)
    when = (time or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat()
    fixed = {
        "ce_specversion": SPEC_VERSION,
        "ce_source": source,
        "ce_type": contract.TYPE,
        "ce_time": when.replace("+00:00", "Z"),
        "content-type": CONTENT_TYPE,
    }
    trace = current_traceparent()
    if trace:
        fixed["traceparent"] = trace
    head = json.dumps(fixed, ensure_ascii=False)[:-1]  # the constant attributes, object left open
    topic = length_prefixed(contract.TOPIC.encode())
    event_type = length_prefixed(contract.TYPE.encode())
    start = row_prefix(6) + _UUID_LEN  # six columns; the first, event_id, is 16 bytes
    limit = event_limit() - _RECORD_OVERHEAD

    async def chunks() -> AsyncIterator[bytes]:
        yield HEADER
        for lo in range(0, n, chunk_rows):
            hi = min(n, lo + chunk_rows)
            block = ready.pop(lo, None) or produce(lo, hi)
            if len(block) != hi - lo:
                raise ValueError(f"payloads({lo}, {hi}) gave {len(block)} payloads")
            ids = event_ids[lo:hi]
            id_texts = uuid_texts(ids)
            parts: list[bytes] = []
            add = parts.append
            for i in range(lo, hi):
                subject = subjects[i]
                key = subject.encode()
                headers = (
                    f'{head}, "ce_id": "{id_texts[i - lo]}", '
                    f'"ce_subject": "{json_string_inner(subject)}", '
                    f'"ce_sequence": "{sequences[i]}"}}'
                ).encode()
                add(start)
                add(ids[i - lo].to_bytes(16, "big"))
                add(topic)
                add(length_prefixed(key))
                add(event_type)
                payload = block[i - lo]
                if len(payload) + len(headers) + len(key) > limit:
                    # The headers' JSON is longer than their encoding in a Kafka record.
                    check_event_size(
                        contract.TYPE,
                        len(payload) + len(headers) + len(key) + _RECORD_OVERHEAD,
                    )
                add(jsonb_field(headers))
                add(length_prefixed(payload))
            yield b"".join(parts)
        yield TRAILER

    await conn.copy_to_table(
        "outbox",
        source=chunks(),
        columns=["event_id", "topic", "key", "event_type", "headers", "payload"],
        format="binary",
    )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    if timings is not None:
        timings.update(outbox_sequences=round(t1 - t0, 3), outbox_copy=round(_clock() - t1, 3))
    return n


_UUID_LEN = b"\x00\x00\x00\x10"
# A record batch's header (61 bytes) and a record's own varints and attributes, rounded up.
_RECORD_OVERHEAD = 128
_SEQ_TABLE = "_outbox_bulk_subject"
# Existing subjects: one set-based UPDATE; new ones: INSERT (ON CONFLICT for a subject another
# transaction inserted after this statement's snapshot). Both RETURN the sequence taken.
_SEQ_RESULT = "_outbox_bulk_sequence"
_TAKE_SEQUENCES = f"""
        WITH upd AS (
            UPDATE outbox_sequence s SET last_sequence = s.last_sequence + 1
            FROM {_SEQ_TABLE} b WHERE s.subject = b.subject
            RETURNING b.ord, s.last_sequence
        ), ins AS (
            INSERT INTO outbox_sequence AS s (subject, last_sequence)
            SELECT b.subject, 1 FROM {_SEQ_TABLE} b
            WHERE NOT EXISTS (SELECT 1 FROM outbox_sequence x WHERE x.subject = b.subject)
            ON CONFLICT (subject) DO UPDATE SET last_sequence = s.last_sequence + 1
            RETURNING s.subject, s.last_sequence
        )
        INSERT INTO {_SEQ_RESULT} (ord, seq)
        SELECT ord, last_sequence FROM upd
        UNION ALL
        SELECT b.ord, ins.last_sequence FROM ins JOIN {_SEQ_TABLE} b ON b.subject = ins.subject
"""


async def _take_sequences(conn: Any, subjects: Sequence[str]) -> list[int]:
    """The next sequence number of every subject, in the order given (locks held to commit)."""
    await conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_SEQ_TABLE} (ord int4, subject text) ON COMMIT DROP;"
        f"CREATE TEMP TABLE IF NOT EXISTS {_SEQ_RESULT} (ord int4, seq int8) ON COMMIT DROP;"
        f"TRUNCATE {_SEQ_TABLE}, {_SEQ_RESULT}"
    )
    two = row_prefix(2)

    async def rows() -> AsyncIterator[bytes]:
        yield HEADER
        for lo in range(0, len(subjects), 50_000):
            yield b"".join(
                two + fixed_field(i, "int4") + length_prefixed(subjects[i].encode())
                for i in range(lo, min(len(subjects), lo + 50_000))
            )
        yield TRAILER

    await conn.copy_to_table(_SEQ_TABLE, source=rows(), format="binary")
    await conn.execute(f"ANALYZE {_SEQ_TABLE}")
    buf = bytearray()

    async def sink(chunk: bytes) -> None:
        buf.extend(chunk)

    # The joins' hash tables stay in memory (one pass over outbox_sequence, no spill to disk);
    # the caller's setting is restored afterwards. The statement sends nothing back while it
    # runs, so the caller may keep this process busy meanwhile.
    work_mem = await conn.fetchval("SHOW work_mem")
    await conn.execute("SET LOCAL work_mem = '256MB'")
    await conn.execute(_TAKE_SEQUENCES)
    await conn.execute(f"SET LOCAL work_mem = '{work_mem}'")
    await conn.copy_from_query(f"SELECT ord, seq FROM {_SEQ_RESULT}", output=sink, format="binary")
    sequences = [0] * len(subjects)
    taken = 0
    for ord_, seq in iter_fixed_rows(buf, ("int4", "int8")):
        sequences[ord_] = seq
        taken += 1
    if taken != len(subjects):
        raise RuntimeError(f"took {taken} sequences for {len(subjects)} subjects")
    return sequences
