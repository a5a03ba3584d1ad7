from datetime import date

from sqlmodel import Field

from app.db import RecordMixin


class Event(RecordMixin, table=True):
    """An event the desk hosts (or co-hosts) and invites people to."""

    __tablename__ = "event"

    name: str = Field(max_length=200)
    starts_on: date | None = Field(default=None, index=True)
    ends_on: date | None = None
    city_id: int | None = Field(default=None, foreign_key="city.id", index=True)
    venue: str | None = Field(default=None, max_length=200)
    # Empty: the home city hosts it.
    host_organization_id: int | None = Field(
        default=None, foreign_key="organization.id", index=True
    )
    url: str | None = Field(default=None, max_length=500)
    description: str | None = None
    name_key: str = Field(default="", max_length=200, index=True)
