from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from socialaid.core.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VERIFICATION_", extra="ignore")

    service_name: str = "verification"
    database_url: str = "postgresql+asyncpg://socialaid:socialaid@127.0.0.1:55432/verification"
    # Department connector (the department simulator in development).
    department_url: str = "http://127.0.0.1:8101"
    department_timeout_seconds: float = Field(default=5.0, gt=0)
    # Extra attempts per department call after the first (timeouts, connection errors, 5xx).
    department_retries: int = Field(default=2, ge=0, le=10)
    department_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    # Consent scope items needed before any department is queried (R-IN-05).
    required_consent_scope: list[str] = Field(
        default_factory=lambda: ["registration", "income", "real_estate", "vehicles", "deposits"]
    )
    # Vehicle kinds exempt from the "no motor vehicle" limit (rules §3): not counted as vehicles.
    exempt_vehicle_kinds: list[str] = Field(
        default_factory=lambda: ["motorcycle", "disability_mobility"]
    )
    # A declared figure differing from the verified one by more than this is a discrepancy.
    income_tolerance: Decimal = Field(default=Decimal("0.00"), ge=0)
    assets_tolerance: Decimal = Field(default=Decimal("0.00"), ge=0)
