from datetime import date
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, Field, StringConstraints

from app.fields import (
    SOME_TEXT,
    InputModel,
    IsoDate,
    LongText,
    Name,
    PositiveId,
    RecordRead,
    update_of,
)
from app.organizations.models import HomeMembership, OrganizationKind
from app.pagination import RecordFilters

Acronym = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), SOME_TEXT
]
Website = Annotated[AnyHttpUrl, Field(max_length=500)]


class OrganizationCreate(InputModel):
    name: Name
    acronym: Acronym | None = None
    kind: OrganizationKind = OrganizationKind.other
    website: Website | None = None
    headquarters_city_id: PositiveId | None = None
    home_membership: HomeMembership = HomeMembership.none
    member_since: IsoDate | None = None
    notes: LongText | None = None


@update_of(OrganizationCreate)
class OrganizationUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


class OrganizationRead(RecordRead):
    name: str
    acronym: str | None
    kind: OrganizationKind
    website: str | None
    headquarters_city_id: int | None
    home_membership: HomeMembership
    member_since: date | None
    notes: str | None


class MemberCreate(InputModel):
    city_id: PositiveId
    since: IsoDate | None = None


class MemberRead(BaseModel):
    organization_id: int
    city_id: int
    city_name: str
    country_code: str | None
    since: date | None


class OrganizationFilters(RecordFilters):
    kind: OrganizationKind | None = None
    home_membership: HomeMembership | None = None
