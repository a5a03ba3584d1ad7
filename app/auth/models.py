from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field

from app.db import RecordMixin


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
    # The secret in the user's calendar feed URL; rotating it retires the old URL.
    calendar_token: str | None = Field(default=None, max_length=64, unique=True)
