from enum import StrEnum

from app.contacts.schemas import ContactFilters
from app.invitations.schemas import EventInvitationFilters


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    ods = "ods"
    vcf = "vcf"


class TableFormat(StrEnum):
    """The formats of a list that is only a table (an event's invitations)."""

    csv = "csv"
    xlsx = "xlsx"
    ods = "ods"


class ContactExportQuery(ContactFilters):
    """The export's query string: the contacts list's filters and the file format."""

    format: ExportFormat = ExportFormat.csv

    @property
    def filters(self) -> ContactFilters:
        return ContactFilters.model_construct(**self.model_dump(exclude={"format"}))


class InvitationExportQuery(EventInvitationFilters):
    """The export's query string: the event's invitation list filters and the file format."""

    format: TableFormat = TableFormat.csv

    @property
    def filters(self) -> EventInvitationFilters:
        return EventInvitationFilters.model_construct(**self.model_dump(exclude={"format"}))
