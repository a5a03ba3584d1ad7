from datetime import date

from app.fields import InputModel, LongText, PositiveId, RecordRead
from app.partnerships.models import PartnershipKind, PartnershipStatus


class PartnershipCreate(InputModel):
    city_id: PositiveId
    kind: PartnershipKind
    signed_on: date | None = None
    status: PartnershipStatus = PartnershipStatus.active
    notes: LongText | None = None


class PartnershipUpdate(InputModel):
    city_id: PositiveId | None = None
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
