"""Settings read from the environment (prefix ``CRM_``) and an optional ``.env`` file."""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The placeholder older .env examples carried: known to everyone, so never accepted.
PLACEHOLDER_SECRET_KEY = "change-me-this-placeholder-is-not-a-secret"
MIN_SECRET_KEY_BYTES = 32
SECRET_KEY_FILE = "secret_key"
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
    # Signs access tokens. Unset: a random key generated once into data_dir and reused.
    secret_key: str = ""
    data_dir: Path = Path("./data")
    access_token_expire_minutes: int = Field(default=60 * 8, gt=0)
    bootstrap_admin_username: str = "admin"
    bootstrap_admin_password: str | None = None
    load_demo: bool = True
    home_city: str = "Taipei"
    dormant_after_days: int = Field(default=730, gt=0)
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    max_header_bytes: int = Field(default=32_768, gt=0)
    # crm serve: seconds a connection may take to send a request's headers; connections
    # one worker serves at once (503 beyond).
    header_timeout: float = Field(default=10.0, gt=0)
    max_connections: int = Field(default=500, gt=0)
    login_attempts_per_minute: int = Field(default=10, gt=0)
    # Contacts a viewer may be sent through list pages a minute, and the page size above which
    # a list read is audited like an export (app/harvesting.py).
    list_read_contacts_per_minute: int = Field(default=2000, gt=0)
    list_read_audit_above: int = Field(default=100, ge=0)
    login_attempts_per_address_per_minute: int = Field(default=50, gt=0)
    log_level: str = "INFO"
    # The desk's time zone (IANA name): it decides what "today" is (see app/clock.py).
    time_zone: str = "Asia/Taipei"
    # The web app: a session ends after this many minutes without a request.
    web_idle_minutes: int = Field(default=60, gt=0)
    # ... and at the latest this many hours after signing in, however active the user is.
    web_max_session_hours: int = Field(default=12, gt=0)

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"CRM_TIME_ZONE={value!r} is not a time zone; use an IANA name like Asia/Taipei"
            ) from exc
        return value

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
    def _strong_secret_key(self) -> "Settings":
        if not self.secret_key:
            self.secret_key = load_or_create_secret_key(self.data_dir)
        check_secret_key(self.secret_key, "CRM_SECRET_KEY")
        return self

    def sqlite_path(self) -> Path | None:
        """The database file of a SQLite URL (None for in-memory or other databases)."""
        if not self.is_sqlite:
            return None
        path = self.database_url.split(":///", 1)[1] if ":///" in self.database_url else ""
        return Path(path) if path and path != ":memory:" else None


def check_secret_key(key: str, source: str) -> None:
    if key == PLACEHOLDER_SECRET_KEY:
        raise ValueError(
            f"{source} is the published placeholder, so anyone could sign tokens with it; "
            "unset it (a random key is then kept in the data directory) or set a long random "
            'value: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise ValueError(
            f"{source} is shorter than {MIN_SECRET_KEY_BYTES} bytes; use a long random value: "
            'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


def load_or_create_secret_key(data_dir: Path) -> str:
    """The key kept in ``data_dir``, made (random, readable by its owner only) at first start.
    Several workers may start at once: the key is written to a file of its own and linked
    into place, so each of them reads the same complete key."""
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".{SECRET_KEY_FILE}.{secrets.token_hex(8)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(48) + "\n")
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker was first: use its key
        finally:
            draft.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        raise ValueError(f"{path} holds the token signing key; make it private: chmod 600 {path}")
    key = path.read_text().strip()
    check_secret_key(key, str(path))
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def app_settings(request: Request) -> Settings:
    """The settings the running app was created with."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
