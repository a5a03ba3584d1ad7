from datetime import date
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field

from app.db import RecordMixin


class PartnershipKind(StrEnum):
    sister_city = "sister_city"
    friendship_city = "friendship_city"
    cooperation_agreement = "cooperation_agreement"


class PartnershipStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    ended = "ended"


class Partnership(RecordMixin, table=True):
    """An agreement between the home city and another city."""

    __tablename__ = "partnership"

    city_id: int = Field(foreign_key="city.id", index=True)
    kind: PartnershipKind = Field(sa_type=String(30), index=True)
    signed_on: date | None = Field(default=None, index=True)
    status: PartnershipStatus = Field(
        default=PartnershipStatus.active, sa_type=String(20), index=True
    )
    notes: str | None = Field(default=None)
