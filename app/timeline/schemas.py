from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.follow_ups.schemas import FollowUpRead
from app.interactions.schemas import InteractionRead
from app.pagination import Page
from app.partnerships.schemas import PartnershipRead


class InteractionEntry(BaseModel):
    type: Literal["interaction"] = "interaction"
    date: date
    record: InteractionRead


class PartnershipSigned(BaseModel):
    type: Literal["partnership"] = "partnership"
    date: date
    record: PartnershipRead


class FollowUpEntry(BaseModel):
    """A follow-up, dated by when it is due (whatever its status)."""

    type: Literal["follow_up"] = "follow_up"
    date: date
    record: FollowUpRead


TimelineItem = Annotated[
    InteractionEntry | PartnershipSigned | FollowUpEntry, Field(discriminator="type")
]


class TimelinePage(Page[TimelineItem]):
    """A page of a timeline: newest first; each item's ``type`` says what its ``record`` is."""
