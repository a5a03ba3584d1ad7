from datetime import date

from app.fields import IdParameter, InputModel, IsoDate, LongText, PositiveId, RecordRead, update_of
from app.pagination import RecordFilters
from app.partnerships.models import PartnershipKind, PartnershipStatus


class PartnershipCreate(InputModel):
    city_id: PositiveId
    kind: PartnershipKind
    signed_on: IsoDate | None = None
    status: PartnershipStatus = PartnershipStatus.active
    notes: LongText | None = None


@update_of(PartnershipCreate)
class PartnershipUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


class PartnershipRead(RecordRead):
    city_id: int
    kind: PartnershipKind
    signed_on: date | None
    status: PartnershipStatus
    notes: str | None


class PartnershipFilters(RecordFilters):
    """``q`` matches the partner city's names."""

    city_id: IdParameter | None = None
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None
