"""Base settings every service extends with its own env prefix (e.g. ``INTAKE_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    # Consumer tuning
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_base_seconds: float = Field(default=0.2, gt=0)
    consumer_backoff_max_seconds: float = Field(default=5.0, gt=0)
    # The worker's own HTTP endpoint (/healthz, /metrics); unset: none.
    worker_host: str = "127.0.0.1"
    worker_port: int | None = None
    # Telemetry
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    # Key for the keyed hash of national ID numbers (searchable without clear text).
    pii_hash_key: str = "development-only-pii-key-change-me"
    # Secret for encrypting personal identifiers at rest.
    pii_encryption_key: str = "development-only-encryption-key-change-me"

    @property
    def sync_database_url(self) -> str:
        return self.database_url.replace("+asyncpg", "+psycopg")
