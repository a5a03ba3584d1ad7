from datetime import date, datetime

from pydantic import Field

from app.fields import (
    IdParameter,
    InputModel,
    IsoDate,
    LongText,
    PositiveId,
    QueryBool,
    RecordRead,
    Title,
    update_of,
)
from app.follow_ups.models import FollowUpStatus
from app.pagination import RecordFilters


class FollowUpFields(InputModel):
    """What a new follow-up says, on its own or created with an interaction.
    ``completed_at`` is not here: the server stamps it when the status becomes ``done``."""

    title: Title
    due_on: IsoDate
    status: FollowUpStatus = FollowUpStatus.open
    assignee_id: PositiveId | None = None
    contact_id: PositiveId | None = None
    city_id: PositiveId | None = None
    organization_id: PositiveId | None = None
    event_id: PositiveId | None = None
    notes: LongText | None = None


class FollowUpCreate(FollowUpFields):
    interaction_id: PositiveId | None = None


class FollowUpDraft(FollowUpFields):
    """A follow-up created with an interaction (``InteractionCreate.follow_up``): the same
    fields as POST /follow-ups, about the new interaction."""


@update_of(FollowUpCreate)
class FollowUpUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


class FollowUpRead(RecordRead):
    title: str
    due_on: date
    status: FollowUpStatus
    assignee_id: int | None
    contact_id: int | None
    city_id: int | None
    organization_id: int | None
    interaction_id: int | None
    event_id: int | None
    notes: str | None
    completed_at: datetime | None


class FollowUpFilters(RecordFilters):
    """``q`` matches a part of the title, ignoring case."""

    status: FollowUpStatus | None = None
    assignee_id: IdParameter | None = None
    due_before: IsoDate | None = Field(
        None, description="Due strictly before this date (exclusive: the date itself is not)"
    )
    due_after: IsoDate | None = Field(
        None, description="Due strictly after this date (exclusive: the date itself is not)"
    )
    overdue: QueryBool | None = Field(
        None,
        description="true: open and due before today (in CRM_TIME_ZONE); "
        "false: every follow-up that is not overdue",
    )
    contact_id: IdParameter | None = None
    city_id: IdParameter | None = None
    organization_id: IdParameter | None = None
    interaction_id: IdParameter | None = None
    event_id: IdParameter | None = None
