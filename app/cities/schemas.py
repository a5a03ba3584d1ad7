from typing import Annotated

from pydantic import Field

from app.fields import (
    NUMBER,
    CountryCode,
    InputModel,
    LongText,
    Name,
    NameList,
    RecordRead,
    ShortText,
    update_of,
)
from app.pagination import RecordFilters
from app.partnerships.models import PartnershipKind

Population = Annotated[int, Field(ge=0, le=100_000_000), NUMBER]


class CityCreate(InputModel):
    name: Name
    alternate_names: NameList = []
    country_code: CountryCode | None = None
    region: ShortText | None = None
    population: Population | None = None
    notes: LongText | None = None


@update_of(CityCreate)
class CityUpdate(InputModel):
    """Only the fields sent change; null empties a field that may be empty."""


class CityRead(RecordRead):
    name: str
    alternate_names: list[str]
    country_code: str | None
    region: str | None
    population: int | None
    notes: str | None


class CityFilters(RecordFilters):
    country_code: CountryCode | None = None
    partnership_kind: PartnershipKind | None = Field(
        None, description="Cities with a live partnership of this kind"
    )
