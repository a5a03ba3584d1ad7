from typing import Annotated

from pydantic import BaseModel, StringConstraints

from app.auth.models import Role
from app.fields import Flag, InputModel, RecordRead, update_of
from app.pagination import RecordFilters

USERNAME_MAX_LENGTH = 100
Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=1,
        max_length=USERNAME_MAX_LENGTH,
        pattern=r"^[\w.@+-]+$",
    ),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(InputModel):
    username: Username
    password: Password
    role: Role = Role.viewer
    full_name: Annotated[str, StringConstraints(max_length=200)] | None = None
    is_active: Flag = True


@update_of(UserCreate, exclude={"username"})
class UserUpdate(InputModel):
    """Only the fields sent change. A new password or deactivation ends the user's tokens."""


class PasswordChange(InputModel):
    old_password: Annotated[str, StringConstraints(max_length=200)]
    new_password: Password


class UserRead(RecordRead):
    username: str
    full_name: str | None
    role: Role
    is_active: bool


class UserFilters(RecordFilters):
    """``q`` matches a part of the username."""
