from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.fields import CountryCode, PositiveId, Tag


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    vcf = "vcf"


class TableFormat(StrEnum):
    """The formats of a list that is only a table (an event's invitations)."""

    csv = "csv"
    xlsx = "xlsx"


class ContactFilters(BaseModel):
    """The contacts list's filters, shared by the export's query string and the CLI."""

    model_config = ConfigDict(frozen=True)

    city_id: PositiveId | None = None
    organization_id: PositiveId | None = None
    tag: Tag | None = None
    is_active: bool | None = None
    country_code: CountryCode | None = None
    q: Annotated[str | None, Field(max_length=200, description="Text filter")] = None
    include_archived: bool = False
