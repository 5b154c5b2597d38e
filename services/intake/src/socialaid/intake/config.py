from pydantic_settings import SettingsConfigDict

from socialaid.core.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake"
    database_url: str = "postgresql+asyncpg://socialaid:socialaid@127.0.0.1:55432/intake"
