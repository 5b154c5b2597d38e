"""Base settings every service extends with its own env prefix (e.g. ``INTAKE_``)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_PII_HASH_KEY = "development-only-pii-key-change-me"
DEVELOPMENT_PII_ENCRYPTION_KEY = "development-only-encryption-key-change-me"
DEVELOPMENT_SECRETS = frozenset({DEVELOPMENT_PII_HASH_KEY, DEVELOPMENT_PII_ENCRYPTION_KEY})


class ServiceSettings(BaseSettings):
    """Settings common to every service; a service subclasses it and sets ``env_prefix``."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str = "socialaid"
    database_url: str = "postgresql+asyncpg://socialaid:socialaid@127.0.0.1:55432/socialaid"
    # Connections kept open: at least the concurrent requests expected. Beyond it, up to
    # db_pool_size // 2 more are opened for a burst and closed again when returned.
    db_pool_size: int = Field(default=20, ge=1)
    kafka_bootstrap: str = "127.0.0.1:59092"
    kafka_client_id: str | None = None
    # Relay tuning
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_idle_poll_seconds: float = Field(default=0.5, gt=0)
    # Largest record the relay's producer sends (its max_request_size); must not exceed the
    # broker's message.max.bytes (Kafka's default is 1 MiB) nor any topic's max.message.bytes.
    relay_max_request_bytes: int = Field(default=1024 * 1024, ge=64 * 1024)
    # A row the broker refuses with a non-retriable error is parked on this attempt (a record
    # too large is parked at once; a broker outage never parks).
    relay_park_after_attempts: int = Field(default=5, ge=1, le=1000)
    # Largest event (key + headers + payload) add_event / copy_events accept: below
    # relay_max_request_bytes, so every stored event can be published.
    event_max_bytes: int = Field(default=900 * 1024, ge=1024)
    # Consumer tuning
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_base_seconds: float = Field(default=0.2, gt=0)
    consumer_backoff_max_seconds: float = Field(default=5.0, gt=0)
    # The worker's own HTTP endpoint (/healthz, /metrics); unset: none.
    worker_host: str = "127.0.0.1"
    worker_port: int | None = None
    # The API's /readyz asks the worker's /healthz (when worker_port is set): how long it waits
    # for an answer and how long it trusts one (readiness probes then cost the worker little).
    # Where the API finds that /healthz when the worker runs elsewhere (another container:
    # http://intake-worker:9000/healthz); unset: worker_host:worker_port (a 0.0.0.0 bind: loopback).
    worker_health_url: str | None = None
    readiness_worker_timeout_seconds: float = Field(default=1.0, gt=0, le=10)
    readiness_worker_cache_seconds: float = Field(default=1.5, ge=0, le=60)
    # The outbox backlog and consumer lag the API measures when /metrics is scraped.
    backbone_metrics_timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    backbone_metrics_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    # Telemetry
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    # Where the process runs: ``production`` refuses development secrets (below) at start.
    environment: Literal["development", "test", "production"] = "development"
    # Key for the keyed hash of national ID numbers (searchable without clear text).
    pii_hash_key: str = DEVELOPMENT_PII_HASH_KEY
    # Secret for encrypting personal identifiers at rest.
    pii_encryption_key: str = DEVELOPMENT_PII_ENCRYPTION_KEY

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> Self:
        if self.environment != "production":
            return self
        for name in ("pii_hash_key", "pii_encryption_key"):
            value = getattr(self, name)
            if value in DEVELOPMENT_SECRETS or "development" in value or len(value) < 32:
                raise ValueError(
                    f"{name} is a development value or shorter than 32 characters; production "
                    "needs its own secret (set the service's *_PII_* environment variables)"
                )
        if self.pii_hash_key == self.pii_encryption_key:
            raise ValueError("pii_hash_key and pii_encryption_key must differ in production")
        return self

    @model_validator(mode="after")
    def _events_fit_the_relay(self) -> Self:
        if self.event_max_bytes > self.relay_max_request_bytes:
            raise ValueError(
                f"event_max_bytes ({self.event_max_bytes}) must not exceed "
                f"relay_max_request_bytes ({self.relay_max_request_bytes})"
            )
        return self

    @property
    def sync_database_url(self) -> str:
        return self.database_url.replace("+asyncpg", "+psycopg")
