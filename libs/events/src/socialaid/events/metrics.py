"""Prometheus metrics of the event backbone."""

from prometheus_client import Counter, Gauge, Histogram

OUTBOX_BACKLOG = Gauge("socialaid_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_PUBLISHED = Counter(
    "socialaid_outbox_published_total", "Events published by the relay", ["service", "topic"]
)
OUTBOX_PARKED = Gauge(
    "socialaid_outbox_parked",
    "Outbox rows parked because the broker refuses them (awaiting retry or discard)",
    ["service"],
)
OUTBOX_PARKED_TOTAL = Counter(
    "socialaid_relay_parked_total", "Outbox rows the relay parked", ["service", "topic"]
)
RELAY_ERRORS = Counter("socialaid_relay_errors_total", "Relay publish failures", ["service"])
RELAY_BATCH_SECONDS = Histogram(
    "socialaid_relay_batch_seconds", "Time to publish one relay batch", ["service"]
)
CONSUMED = Counter(
    "socialaid_consumer_messages_total",
    "Messages handled by consumers, by outcome",
    ["consumer", "topic", "outcome"],
)
CONSUMER_LAG = Gauge(
    "socialaid_consumer_lag",
    "High-water mark minus committed position",
    ["consumer", "topic", "partition"],
)
PARKED = Gauge("socialaid_consumer_parked", "Parked messages awaiting redrive", ["consumer"])
