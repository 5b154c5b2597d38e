from pydantic import Field
from pydantic_settings import SettingsConfigDict

from socialaid.core.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", extra="ignore")

    service_name: str = "referral"
    database_url: str = "postgresql+asyncpg://socialaid:socialaid@127.0.0.1:55432/referral"
    # Webhook deliveries (Standard Webhooks): exponential back-off, then the delivery is dead.
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_backoff_base_seconds: float = Field(default=10.0, gt=0)
    webhook_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_lease_seconds: float = Field(default=120.0, gt=0)
    webhook_batch_size: int = Field(default=20, ge=1, le=500)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    # Overdue referrals (R-RF-06)
    overdue_poll_seconds: float = Field(default=60.0, gt=0)
