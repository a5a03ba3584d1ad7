from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from app.fields import (
    CountryCode,
    Flag,
    IdParameter,
    InputModel,
    LanguageList,
    LongText,
    Name,
    Phone,
    PositiveId,
    QueryBool,
    RecordRead,
    ShortText,
    Tag,
    TagList,
    update_of,
)
from app.pagination import RecordFilters

Honorific = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
Email = Annotated[EmailStr, Field(max_length=320)]


class ContactCreate(InputModel):
    full_name: Name
    local_name: ShortText | None = None
    honorific: Honorific | None = None
    position: ShortText | None = None
    department: ShortText | None = None
    organization_id: PositiveId | None = None
    city_id: PositiveId | None = None
    email: Email | None = None
    phone: Phone | None = None
    languages: LanguageList = []
    tags: TagList = []
    source: ShortText | None = None
    notes: LongText | None = None
    is_active: Flag = True


@update_of(ContactCreate)
class ContactUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


class ContactRead(RecordRead):
    full_name: str
    local_name: str | None
    honorific: str | None
    position: str | None
    department: str | None
    organization_id: int | None
    organization_name: str | None
    city_id: int | None
    city_name: str | None
    email: str | None
    phone: str | None
    languages: list[str]
    tags: list[str]
    source: str | None
    notes: str | None
    is_active: bool


class ContactFilters(RecordFilters):
    """The contacts a list, an export or ``crm export contacts`` selects."""

    city_id: IdParameter | None = Field(None, description="Only contacts in this city")
    organization_id: IdParameter | None = Field(
        None, description="Only contacts of this organization"
    )
    tag: Tag | None = Field(None, description="Only contacts with this tag")
    is_active: QueryBool | None = Field(None, description="Only active (or inactive) contacts")
    country_code: CountryCode | None = Field(
        None, description="Only contacts in a city of this country (e.g. KR)"
    )
