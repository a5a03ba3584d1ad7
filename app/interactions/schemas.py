from datetime import date
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator
from sqlalchemy import inspect as sa_inspect

from app.fields import (
    IdList,
    IdParameter,
    InputModel,
    IsoDate,
    RecordRead,
    ShortText,
    TagList,
    Title,
    update_of,
)
from app.follow_ups.schemas import FollowUpDraft, FollowUpRead
from app.interactions.models import Interaction, InteractionKind
from app.pagination import RecordFilters

Summary = Annotated[str, StringConstraints(max_length=20_000)]
_FOLLOW_UP_KEY = "created_follow_up"


class InteractionCreate(InputModel):
    kind: InteractionKind
    occurred_on: IsoDate
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
        "created, and both audited), with the fields of POST /follow-ups. It is linked to the "
        "new interaction and, unless it names its own, to the first of its contact_ids and to "
        "the first live city of its city_ids as the response lists them (the cities named, "
        "then the cities of its contacts). The response's follow_up is the one created.",
    )


@update_of(InteractionCreate, exclude={"follow_up"})
class InteractionUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


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


def attach_follow_up(interaction: Interaction, follow_up: Any) -> Interaction:
    sa_inspect(interaction).info[_FOLLOW_UP_KEY] = follow_up
    return interaction


class InteractionCreated(InteractionRead):
    """A new interaction, with the follow-up created with it (if one was asked for)."""

    follow_up: FollowUpRead | None = None

    @model_validator(mode="before")
    @classmethod
    def _with_follow_up(cls, data: Any) -> Any:
        if not isinstance(data, Interaction):
            return data
        return {**data.model_dump(), "follow_up": sa_inspect(data).info.get(_FOLLOW_UP_KEY)}


class InteractionFilters(RecordFilters):
    """``q`` matches the title or the place."""

    city_id: IdParameter | None = None
    contact_id: IdParameter | None = None
    organization_id: IdParameter | None = None
    kind: InteractionKind | None = None
    occurred_from: IsoDate | None = Field(None, description="On or after this date (inclusive)")
    occurred_to: IsoDate | None = Field(None, description="On or before this date (inclusive)")
