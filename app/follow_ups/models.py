from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field

from app.db import RecordMixin, UTCDateTime


class FollowUpStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class FollowUp(RecordMixin, table=True):
    """Something the desk has to do by a date, optionally about a contact, city, organization,
    interaction or event."""

    __tablename__ = "follow_up"

    title: str = Field(max_length=300)
    due_on: date = Field(index=True)
    status: FollowUpStatus = Field(default=FollowUpStatus.open, sa_type=String(20), index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    city_id: int | None = Field(default=None, foreign_key="city.id", index=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    notes: str | None = None
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
