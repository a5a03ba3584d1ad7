from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String, text
from sqlmodel import Field

from app.db import RecordMixin, UTCDateTime


class InvitationStatus(StrEnum):
    planned = "planned"
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    attended = "attended"
    no_show = "no_show"
    cancelled = "cancelled"


class Invitation(RecordMixin, table=True):
    """A contact invited to an event, from planned (scheduled to go out on ``send_on``) to
    attended."""

    __tablename__ = "invitation"
    __table_args__ = (
        # One live invitation per contact per event.
        Index(
            "uq_invitation_event_id_contact_id_live",
            "event_id",
            "contact_id",
            unique=True,
            sqlite_where=text("archived_at IS NULL"),
            postgresql_where=text("archived_at IS NULL"),
        ),
        # "What goes out this week", across events.
        Index("ix_invitation_status_send_on", "status", "send_on"),
    )

    event_id: int = Field(foreign_key="event.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    status: InvitationStatus = Field(default=InvitationStatus.planned, sa_type=String(20))
    send_on: date | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notes: str | None = None
