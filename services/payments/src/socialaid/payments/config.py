from pydantic import Field
from pydantic_settings import SettingsConfigDict

from socialaid.core.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore")

    service_name: str = "payments"
    database_url: str = "postgresql+asyncpg://socialaid:socialaid@127.0.0.1:55432/payments"
    bank_url: str = "http://127.0.0.1:8102"
    payer_account: str = Field(
        default="SOCIALAID-FUND-001", description="The fund's paying account"
    )
    bank_timeout_seconds: float = Field(default=10.0, gt=0)
    bank_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Disbursement worker: how often it looks for locked payrolls and how it backs off.
    disbursement_poll_seconds: float = Field(default=2.0, gt=0)
    disbursement_backoff_base_seconds: float = Field(default=2.0, gt=0)
    disbursement_backoff_max_seconds: float = Field(default=300.0, gt=0)
