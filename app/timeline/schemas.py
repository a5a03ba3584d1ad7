from datetime import date
from typing import Literal

from pydantic import BaseModel

from app.interactions.schemas import InteractionRead
from app.partnerships.schemas import PartnershipRead


class InteractionEntry(BaseModel):
    type: Literal["interaction"] = "interaction"
    date: date
    record: InteractionRead


class PartnershipSigned(BaseModel):
    type: Literal["partnership"] = "partnership"
    date: date
    record: PartnershipRead


TimelineItem = InteractionEntry | PartnershipSigned
