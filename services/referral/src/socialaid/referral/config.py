from pydantic import Field
from pydantic_settings import SettingsConfigDict

from socialaid.core.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", extra="ignore")

    service_name: str = "referral"
    database_url: str = "postgresql+asyncpg://socialaid:socialaid@127.0.0.1:55432/referral"
    # Webhook deliveries (Standard Webhooks): exponential back-off, then the delivery is dead.
    # 10 s, 20 s, … capped at 15 min, 15 attempts: the last try comes ~2 h 6 min after the
    # first, so a receiver down for an hour loses nothing, and is retried ≤ 15 min after it is
    # back (tests/unit/test_webhook_outage_schedule.py).
    webhook_max_attempts: int = Field(default=15, ge=1, le=50)
    webhook_backoff_base_seconds: float = Field(default=10.0, gt=0)
    webhook_backoff_max_seconds: float = Field(default=900.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_lease_seconds: float = Field(default=120.0, gt=0)
    webhook_batch_size: int = Field(default=20, ge=1, le=500)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    # Overdue referrals (R-RF-06)
    overdue_poll_seconds: float = Field(default=60.0, gt=0)
