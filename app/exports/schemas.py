from enum import StrEnum

from pydantic import Field

from app.contacts.schemas import ContactFilters
from app.invitations.models import InvitationStatus
from app.pagination import QueryModel


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    vcf = "vcf"


class TableFormat(StrEnum):
    """The formats of a list that is only a table (an event's invitations)."""

    csv = "csv"
    xlsx = "xlsx"


class ContactExportQuery(ContactFilters):
    """The export's query string: the contacts list's filters and the file format."""

    format: ExportFormat = ExportFormat.csv

    @property
    def filters(self) -> ContactFilters:
        return ContactFilters.model_construct(**self.model_dump(exclude={"format"}))


class InvitationExportQuery(QueryModel):
    format: TableFormat = TableFormat.csv
    status: InvitationStatus | None = Field(None, description="Only the invitations in this status")
