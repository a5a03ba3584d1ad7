from datetime import date
from typing import Annotated

from pydantic import StringConstraints

from app.fields import IdList, InputModel, RecordRead, ShortText, TagList
from app.interactions.models import InteractionKind

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Summary = Annotated[str, StringConstraints(max_length=20_000)]


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
