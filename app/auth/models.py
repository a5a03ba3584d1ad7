from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, text
from sqlmodel import Field, SQLModel

from app.db import RecordMixin, UTCDateTime


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    viewer = "viewer"


class User(RecordMixin, table=True):
    __tablename__ = "user_account"

    username: str = Field(max_length=100, unique=True)
    full_name: str | None = Field(default=None, max_length=200)
    role: Role = Field(sa_type=String(20))
    is_active: bool = Field(default=True)
    password_hash: str = Field(max_length=500)
    # Every token carries the generation it was issued in; raising it (a password change,
    # deactivation, logout, an admin's sign-out) ends all the user's earlier tokens at once.
    token_generation: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    # SHA-256 of the secret in the user's calendar feed URL (the secret itself is shown once,
    # when made); rotating it retires the old URL.
    calendar_token_hash: str | None = Field(default=None, max_length=64, unique=True)


class LoginAttempt(SQLModel, table=True):
    """A login attempt, from the moment it starts until it succeeds (then it is deleted) or
    its minute has passed: what the login throttle counts, shared by every worker and host."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_address_attempted_at", "address", "attempted_at"),
        Index("ix_login_attempt_attempted_at", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100)
    address: str = Field(max_length=64)
    attempted_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
