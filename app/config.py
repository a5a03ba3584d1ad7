"""Settings read from the environment (prefix ``CRM_``) and an optional ``.env`` file."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-this-placeholder-is-not-a-secret"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/crm.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CRM_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL connections per worker process. A worker runs one request at a time on its
    # CPU, so beyond ~20 connections requests only wait for the CPU; opening extra ones for
    # a burst costs more than waiting for a free one. Wait at most pool_timeout seconds (503).
    database_pool_size: int = Field(default=20, gt=0)
    database_max_overflow: int = Field(default=0, ge=0)
    database_pool_timeout: float = Field(default=30.0, gt=0)
    secret_key: str = DEFAULT_SECRET_KEY
    access_token_expire_minutes: int = Field(default=60 * 8, gt=0)
    bootstrap_admin_username: str = "admin"
    bootstrap_admin_password: str | None = None
    load_demo: bool = True
    home_city: str = "Taipei"
    dormant_after_days: int = Field(default=730, gt=0)
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    login_attempts_per_minute: int = Field(default=10, gt=0)
    log_level: str = "INFO"
    # Web origins whose pages may call the API from a browser (CORS), comma-separated,
    # e.g. "https://desk.example.org"; none by default.
    cors_origins: Annotated[list[str], NoDecode] = []

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _refuse_default_secret_on_postgres(self) -> "Settings":
        if not self.is_sqlite and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "CRM_SECRET_KEY must be set to a long random value when running on PostgreSQL"
            )
        return self

    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL (None for in-memory or other databases)."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[1] if ":///" in self.database_url else ""
        return Path(path) if path and path != ":memory:" else None


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def app_settings(request: Request) -> Settings:
    """The settings the running app was created with."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
