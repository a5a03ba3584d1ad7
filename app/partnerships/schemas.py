from datetime import date

from app.fields import InputModel, LongText, PositiveId, RecordRead
from app.pagination import RecordFilters
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


class PartnershipFilters(RecordFilters):
    """``q`` matches the partner city's names."""

    city_id: PositiveId | None = None
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None
