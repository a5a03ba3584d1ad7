from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import AnyHttpUrl, BaseModel, Field, model_validator
from sqlalchemy import inspect as sa_inspect

from app.events.models import Event
from app.fields import (
    IdParameter,
    InputModel,
    IsoDate,
    LongText,
    Name,
    PositiveId,
    RecordRead,
    ShortText,
    update_of,
)
from app.pagination import RecordFilters

EventUrl = Annotated[AnyHttpUrl, Field(max_length=500)]
HostOrganizationId = Annotated[
    PositiveId | None, Field(description="The hosting organization; empty: the home city hosts")
]


class EventCreate(InputModel):
    name: Name
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = Field(default=None, description="On or after starts_on")
    city_id: PositiveId | None = None
    venue: ShortText | None = None
    host_organization_id: HostOrganizationId = None
    url: EventUrl | None = None
    description: LongText | None = None


@update_of(EventCreate)
class EventUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


class InvitationCounts(BaseModel):
    """Live invitations of an event, per status."""

    planned: int = 0
    sent: int = 0
    accepted: int = 0
    declined: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0


# The counts ride on the loaded Event (its SQLAlchemy instance state), so the routes that
# return the ORM record directly (add_record_routes) still show them.
_COUNTS_KEY = "invitation_counts"


def attach_invitation_counts(event: Event, counts: Mapping[str, int]) -> Event:
    sa_inspect(event).info[_COUNTS_KEY] = InvitationCounts(**counts)
    return event


class EventRead(RecordRead):
    name: str
    starts_on: date | None
    ends_on: date | None
    city_id: int | None
    venue: str | None
    host_organization_id: int | None
    url: str | None
    description: str | None
    invitation_counts: InvitationCounts

    @model_validator(mode="before")
    @classmethod
    def _with_invitation_counts(cls, data: Any) -> Any:
        if not isinstance(data, Event):
            return data
        counts = sa_inspect(data).info.get(_COUNTS_KEY)
        if counts is None:
            # A route forgot to load them: fail loudly rather than show zeros.
            raise RuntimeError(f"invitation counts of event {data.id} were not loaded")
        return {**data.model_dump(), "invitation_counts": counts}


class EventFilters(RecordFilters):
    """``q`` matches a part of the name."""

    city_id: IdParameter | None = None
    host_organization_id: IdParameter | None = None
    starts_after: IsoDate | None = Field(
        None, description="Starting strictly after this date (exclusive)"
    )
    starts_before: IsoDate | None = Field(
        None, description="Starting strictly before this date (exclusive)"
    )
