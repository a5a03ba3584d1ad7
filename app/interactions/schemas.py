from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from app.fields import IdList, InputModel, PositiveId, RecordRead, ShortText, TagList
from app.interactions.models import InteractionKind
from app.pagination import RecordFilters

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Summary = Annotated[str, StringConstraints(max_length=20_000)]


class FollowUpDraft(InputModel):
    """A follow-up created together with an interaction (see ``InteractionCreate.follow_up``)."""

    title: Title
    due_on: date
    assignee_id: PositiveId | None = None


class InteractionCreate(InputModel):
    kind: InteractionKind
    occurred_on: date
    title: Title
    summary: Summary | None = None
    location: ShortText | None = None
    contact_ids: IdList = []
    city_ids: IdList = []
    organization_ids: IdList = []
    tags: TagList = []
    follow_up: FollowUpDraft | None = Field(
        default=None,
        description="A follow-up to create in the same transaction (both or neither are "
        "created, and both audited). It is linked to the new interaction, to the first of its "
        "contact_ids and to the first live city of its city_ids as the response lists them "
        "(the cities named, then the cities of its contacts). Find it with "
        "GET /follow-ups?interaction_id=",
    )


class InteractionUpdate(InputModel):
    kind: InteractionKind | None = None
    occurred_on: date | None = None
    title: Title | None = None
    summary: Summary | None = None
    location: ShortText | None = None
    contact_ids: IdList | None = None
    city_ids: IdList | None = None
    organization_ids: IdList | None = None
    tags: TagList | None = None


class InteractionRead(RecordRead):
    kind: InteractionKind
    occurred_on: date
    title: str
    summary: str | None
    location: str | None
    contact_ids: list[int]
    city_ids: list[int]
    organization_ids: list[int]
    tags: list[str]


class InteractionFilters(RecordFilters):
    """``q`` matches the title or the place."""

    city_id: PositiveId | None = None
    contact_id: PositiveId | None = None
    organization_id: PositiveId | None = None
    kind: InteractionKind | None = None
    occurred_from: date | None = Field(None, description="On or after this date (inclusive)")
    occurred_to: date | None = Field(None, description="On or before this date (inclusive)")
