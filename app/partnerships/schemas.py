from datetime import date
from typing import Annotated

from pydantic import Field

from app.fields import InputModel, LongText, RecordRead
from app.partnerships.models import PartnershipKind, PartnershipStatus

Id = Annotated[int, Field(gt=0)]


class PartnershipCreate(InputModel):
    city_id: Id
    kind: PartnershipKind
    signed_on: date | None = None
    status: PartnershipStatus = PartnershipStatus.active
    notes: LongText | None = None


class PartnershipUpdate(InputModel):
    city_id: Id | None = None
    kind: PartnershipKind | None = None
    signed_on: date | None = None
    status: PartnershipStatus | None = None
    notes: LongText | None = None


class PartnershipRead(RecordRead):
    city_id: int
    kind: PartnershipKind
    signed_on: date | None
    status: PartnershipStatus
    notes: str | None
