"""Exports: an event's invitation list and the contacts, as CSV, XLSX, ODS or vCard.

An export is counted and audited in the caller's transaction; its rows are then streamed from a
connection of their own (the request's session is closed before the body is sent), a batch at a
time from a server-side cursor, so memory stays flat however many rows there are.

The API's tables speak the API's language (field names as headers, codes as values); the
web app's, given ``people_labels(gettext)``, speak the reader's."""

import asyncio
import re
import unicodedata
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import anyio
import pycountry
import vobject
from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from app.audit import service as audit_service
from app.audit.models import AuditEntry
from app.audit.schemas import AuditAction, AuditEntity
from app.cities.models import City
from app.contacts import service as contacts_service
from app.contacts.models import Contact
from app.contacts.schemas import ContactFilters
from app.db import dialect_name
from app.errors import InvalidInput
from app.events.models import Event
from app.exports import formats
from app.exports.schemas import ExportFormat, TableFormat
from app.invitations import service as invitations_service
from app.invitations.models import Invitation
from app.invitations.schemas import EventInvitationFilters
from app.organizations.models import Organization
from app.records import get_record
from app.text import fold

BATCH_ROWS = 2000
VCARD_MEDIA_TYPE = "text/vcard; charset=utf-8"
MEDIA_TYPES = {
    ExportFormat.csv: formats.CSV_MEDIA_TYPE,
    ExportFormat.xlsx: formats.XLSX_MEDIA_TYPE,
    ExportFormat.ods: formats.ODS_MEDIA_TYPE,
    ExportFormat.vcf: VCARD_MEDIA_TYPE,
}
UID_DOMAIN = "diplomacy-crm"
LIST_SEPARATOR = "; "  # between the items of a list in one cell (languages, tags)

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    key: str  # the API's header, and the key of the column's label
    width: float  # in characters, for the XLSX and ODS sheets


INVITATION_COLUMNS = (
    Column("honorific", 10),
    Column("full_name", 28),
    Column("local_name", 20),
    Column("position", 30),
    Column("organization", 30),
    Column("city", 18),
    Column("country", 20),
    Column("email", 32),
    Column("phone", 18),
    Column("languages", 12),
    Column("status", 12),
    Column("send_on", 12),
    Column("notes", 40),
)

CONTACT_COLUMNS = (
    Column("honorific", 10),
    Column("full_name", 28),
    Column("local_name", 20),
    Column("position", 30),
    Column("department", 24),
    Column("organization", 30),
    Column("city", 18),
    Column("country", 20),
    Column("email", 32),
    Column("phone", 18),
    Column("languages", 12),
    Column("tags", 24),
    Column("active", 8),
    Column("source", 20),
    Column("notes", 40),
)


CountryName = Callable[[str | None], str | None]


@dataclass(frozen=True)
class Labels:
    """What a table export calls its columns, coded values and sheet, and how it names
    countries. The default is the API's: field names, codes, English country names."""

    headers: Mapping[str, str] = field(default_factory=dict)  # column key -> header
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # key -> code -> word
    sheet_titles: Mapping[str, str] = field(default_factory=dict)  # "contacts" -> sheet name
    country_name: CountryName | None = None  # default: ``country_name`` below

    def header(self, columns: Sequence[Column]) -> list[str]:
        return [self.headers.get(column.key, column.key) for column in columns]

    def sheet_title(self, name: str, default: str) -> str:
        return self.sheet_titles.get(name, default)


API_LABELS = Labels()


def N_(message: str) -> str:  # noqa: N802  # the name Babel's extractor knows
    """Marks a message for translation where it is defined; ``people_labels`` translates it."""
    return message


# The words people read instead of the API's names, in English; ``people_labels`` translates
# them (their Traditional Chinese is in the web app's catalog, exports.po).
PEOPLE_HEADERS = {
    "honorific": N_("Honorific"),
    "full_name": N_("Name"),
    "local_name": N_("Name in local script"),
    "position": N_("Position"),
    "department": N_("Department"),
    "organization": N_("Organization"),
    "city": N_("City"),
    "country": N_("Country"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "languages": N_("Languages"),
    "tags": N_("Tags"),
    "active": N_("Active"),
    "source": N_("Source"),
    "notes": N_("Notes"),
    "status": N_("Status"),
    "send_on": N_("Send on"),
}
PEOPLE_VALUES = {
    "status": {
        "planned": N_("Planned"),
        "sent": N_("Sent"),
        "accepted": N_("Accepted"),
        "declined": N_("Declined"),
        "attended": N_("Attended"),
        "no_show": N_("Did not come"),
        "cancelled": N_("Cancelled"),
    },
    "active": {"yes": N_("Yes"), "no": N_("No")},
}
PEOPLE_SHEET_TITLES = {"contacts": N_("Contacts"), "invitations": N_("Invitations")}


def people_labels(
    gettext: Callable[[str], str], *, country_name: CountryName | None = None
) -> Labels:
    """The labels of an export for people, in the language ``gettext`` translates into:
    headers such as "Name" / "姓名" rather than ``full_name``, statuses such as "Sent" /
    "已寄出" rather than ``sent``, and, given ``country_name``, countries named in that
    language too."""
    return Labels(
        headers={key: gettext(label) for key, label in PEOPLE_HEADERS.items()},
        values={
            key: {code: gettext(word) for code, word in words.items()}
            for key, words in PEOPLE_VALUES.items()
        },
        sheet_titles={key: gettext(title) for key, title in PEOPLE_SHEET_TITLES.items()},
        country_name=country_name,
    )


def _column_index(columns: Sequence[Column], key: str) -> int:
    return next(index for index, column in enumerate(columns) if column.key == key)


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """The English name of a country, in the form people use ("Taiwan", "South Korea")
    rather than the ISO long form ("Taiwan, Province of China", "Korea, Republic of")."""
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@dataclass(frozen=True)
class Export:
    """One export: its file name, row count and media type, and its bytes, produced only when
    ``body`` is iterated (rows are read from ``engine``, not from the caller's session)."""

    format: ExportFormat
    filename: str  # readable; may hold any script
    ascii_filename: str  # for clients that do not read RFC 5987 names
    rows: int
    engine: AsyncEngine
    statement: Select[*tuple[Any, ...]]
    columns: Sequence[Column]
    header: Sequence[str]
    to_cells: Callable[[Row[*tuple[Any, ...]]], Sequence[Any]]
    to_vcard: Callable[[Row[*tuple[Any, ...]]], str] | None = None
    sheet_title: str = "Export"
    # The export's audit entry, written when it starts (as not complete) and rewritten when
    # the stream ends with the rows really sent, or as incomplete if it was cut short.
    audit_id: int | None = None
    audit_changes: dict[str, Any] = field(default_factory=dict)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def content_disposition(self) -> str:
        value = f'attachment; filename="{self.ascii_filename}"'
        if self.filename != self.ascii_filename:
            value += f"; filename*=UTF-8''{quote(self.filename, safe='')}"
        return value

    def body(self, on_rows: ProgressCallback | None = None) -> AsyncIterator[bytes]:
        """The file's bytes; ``on_rows(n)`` is told of every batch of ``n`` rows read. The
        audit entry learns how many rows went out, and whether the file was complete."""
        read = [0]

        def count(rows: int) -> None:
            read[0] += rows
            if on_rows is not None:
                on_rows(rows)

        return self._audited(self._chunks(count), read)

    async def _audited(self, chunks: AsyncIterator[bytes], read: list[int]) -> AsyncIterator[bytes]:
        """The chunks, one behind: the last one goes out only once the audit entry says the
        export is complete, so a client that has the whole file finds it audited."""
        complete = False
        try:
            previous = None
            async for chunk in chunks:
                if previous is not None:
                    yield previous
                previous = chunk
            await self._record_end(read[0], complete=True)
            complete = True
            if previous is not None:
                yield previous
        finally:
            if not complete:
                await _close(chunks)
                # A client that went away cancels the stream; the entry is still written.
                with anyio.CancelScope(shield=True):
                    await self._record_end(read[0], complete=False)

    async def _record_end(self, rows: int, *, complete: bool) -> None:
        if self.audit_id is None:
            return
        changes = {**self.audit_changes, "rows": rows}
        if not complete:
            changes.update(rows_expected=self.rows, complete=False)
        async with self.engine.begin() as connection:
            await connection.execute(
                update(AuditEntry)
                .where(col(AuditEntry.id) == self.audit_id)
                .values(changes=changes)
            )

    def _chunks(self, on_rows: ProgressCallback) -> AsyncIterator[bytes]:
        if self.format is ExportFormat.vcf:
            assert self.to_vcard is not None
            rows = _row_batches(self.engine, self.statement, _as_is, on_rows)
            return _vcard_stream(rows, self.to_vcard)
        batches = _row_batches(self.engine, self.statement, self.to_cells, on_rows)
        if self.format in (ExportFormat.xlsx, ExportFormat.ods):
            stream = formats.xlsx_stream if self.format is ExportFormat.xlsx else formats.ods_stream
            widths = [column.width for column in self.columns]
            return stream(self.header, batches, widths=widths, title=self.sheet_title)
        return formats.csv_stream(self.header, batches)


async def _close(chunks: AsyncIterator[bytes]) -> None:
    close = getattr(chunks, "aclose", None)
    if close is not None:
        await close()


async def _row_batches(
    engine: AsyncEngine,
    statement: Select[*tuple[Any, ...]],
    convert: Callable[[Row[*tuple[Any, ...]]], Any],
    on_rows: ProgressCallback | None,
) -> AsyncIterator[list[Any]]:
    """The statement's rows, converted, a batch at a time from a server-side cursor."""
    async with engine.connect() as connection:
        result = await connection.stream(statement.execution_options(yield_per=BATCH_ROWS))
        async for partition in result.partitions():
            batch = [convert(row) for row in partition]
            if on_rows is not None:
                on_rows(len(batch))
            yield batch


def _as_is(row: Row[*tuple[Any, ...]]) -> Row[*tuple[Any, ...]]:
    return row


async def _vcard_stream(
    batches: AsyncIterator[list[Row[*tuple[Any, ...]]]],
    to_vcard: Callable[[Row[*tuple[Any, ...]]], str],
) -> AsyncIterator[bytes]:
    """vCards, a batch at a time; vobject is slow, so it works in a thread, off the loop."""

    def serialize(rows: list[Row[*tuple[Any, ...]]]) -> bytes:
        return "".join(map(to_vcard, rows)).encode("utf-8")

    async for rows in batches:
        yield await asyncio.to_thread(serialize, rows)


def _joined(session: AsyncSession, column: Any) -> Any:
    """A JSON list column as one text, ``ko; en``, joined by the database: decoding JSON row by
    row in Python would take more time than all the rest of a CSV export."""
    if dialect_name(session) == "postgresql":
        items = func.jsonb_array_elements_text(column).table_valued("value")
        return select(func.string_agg(items.c.value, LIST_SEPARATOR)).scalar_subquery()
    items = func.json_each(column).table_valued("value")
    return select(func.group_concat(items.c.value, LIST_SEPARATOR)).scalar_subquery()


async def _count(session: AsyncSession, statement: Select[*tuple[Any, ...]]) -> int:
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(await session.scalar(counted) or 0)


def _check_fits(format: ExportFormat, rows: int) -> None:
    limits = {ExportFormat.xlsx: formats.XLSX_MAX_ROWS, ExportFormat.ods: formats.ODS_MAX_ROWS}
    limit = limits.get(format)
    if limit is not None and rows >= limit:
        detail = (
            f"An {format.value.upper()} sheet holds at most {limit - 1:,} rows and this export "
            f"has {rows:,}; export CSV instead, or narrow the filters"
        )
        error = {"parameter": "format", "in": "query", "detail": detail}
        raise InvalidInput(detail, errors=[error])


async def _audit_export(
    session: AsyncSession,
    *,
    actor: str,
    entity: AuditEntity,
    entity_id: int | None,
    format: ExportFormat,
    filters: dict[str, Any],
    rows: int,
) -> dict[str, Any]:
    """The export's audit entry as it starts: not complete, no row sent yet. Written in the
    request's transaction, so no export goes out unaudited; the stream rewrites it at its
    end (see ``Export.body``). Returns what ``Export`` needs to do that."""
    changes = {"format": str(format), "filters": filters}
    entry = audit_service.record(
        session,
        actor=actor,
        action=AuditAction.export,
        entity=entity,
        entity_id=entity_id,  # null: an export of many records
        changes={**changes, "rows": 0, "rows_expected": rows, "complete": False},
    )
    await session.flush()
    return {"audit_id": entry.id, "audit_changes": changes}


def _slug(text: str, *, ascii_only: bool) -> str:
    """``Smart City Summit & Expo 2025`` → ``smart-city-summit-expo-2025``; the readable form
    keeps any script (``臺北智慧城市展``), the ASCII form drops what it cannot spell."""
    if ascii_only:
        return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80].strip("-")
    readable = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[\W_]+", "-", readable).strip("-")[:80].strip("-")


def _filenames(
    subject: str, fallback: str, details: Sequence[str | None], extension: str
) -> tuple[str, str]:
    """The readable file name and its ASCII stand-in, e.g. ``forum-de-chișinău-2025-03-18-…``
    and ``forum-de-chisinau-2025-03-18-…``; a subject with no Latin letter (``臺北論壇``) is
    ``fallback`` in ASCII."""

    def name(ascii_only: bool) -> str:
        slug = _slug(subject, ascii_only=ascii_only)
        if not re.search(r"[^\W\d_]", slug):  # no letter left
            slug = fallback
        words = [slug, *(_slug(detail, ascii_only=True) for detail in details if detail)]
        return f"{'-'.join(word for word in words if word)}.{extension}"

    return name(False), name(True)


# --- An event's invitations -------------------------------------------------------------


def invitation_rows(
    session: AsyncSession, event_id: int, filters: EventInvitationFilters
) -> Select[*tuple[Any, ...]]:
    """The event's invitations the list with these filters shows, one row each, by name."""
    statement = (
        select(
            col(Contact.honorific),
            col(Contact.full_name),
            col(Contact.local_name),
            col(Contact.position),
            col(Organization.name),
            col(City.name),
            col(City.country_code),
            col(Contact.email),
            col(Contact.phone),
            _joined(session, col(Contact.languages)),
            col(Invitation.status),
            col(Invitation.send_on),
            col(Invitation.notes),
        )
        .select_from(Invitation)
        .join(Contact, col(Invitation.contact_id) == col(Contact.id))
        .outerjoin(Organization, col(Contact.organization_id) == col(Organization.id))
        .outerjoin(City, col(Contact.city_id) == col(City.id))
        .where(col(Invitation.event_id) == event_id)
        .order_by(col(Contact.name_key), col(Invitation.id))
    )
    return invitations_service.filter_invitations(statement, filters)


def _invitation_cells(labels: Labels) -> Callable[[Row[*tuple[Any, ...]]], list[Any]]:
    name_country = labels.country_name or country_name
    statuses = labels.values.get("status")
    country = _column_index(INVITATION_COLUMNS, "country")
    status = _column_index(INVITATION_COLUMNS, "status")
    send_on = _column_index(INVITATION_COLUMNS, "send_on")

    def cells(row: Row[*tuple[Any, ...]]) -> list[Any]:
        cells = list(row)
        cells[country] = name_country(cells[country])
        if statuses is not None:
            cells[status] = statuses.get(cells[status], cells[status])
        if cells[send_on] is not None:
            cells[send_on] = cells[send_on].isoformat()
        return cells

    return cells


async def export_invitations(
    session: AsyncSession,
    *,
    engine: AsyncEngine,
    event_id: int,
    format: TableFormat | ExportFormat,
    filters: EventInvitationFilters,
    actor: str,
    labels: Labels = API_LABELS,
) -> Export:
    """The invitations of an event the filters select (live ones unless ``include_archived``),
    one row per invitation (404 for an unknown event); ``labels`` name its columns and
    statuses (the API's names unless told). As vCards: the invited contacts, one card each."""
    event = await get_record(session, Event, event_id, "event")
    statement = invitation_rows(session, event_id, filters)
    rows = await _count(session, statement)
    export_format = ExportFormat(format)
    _check_fits(export_format, rows)
    if export_format is ExportFormat.vcf:
        invited = statement.with_only_columns(col(Invitation.contact_id)).order_by(None)
        statement = contact_rows(session, ContactFilters(), for_vcards=True).where(
            col(Contact.id).in_(invited)
        )
    audit = await _audit_export(
        session,
        actor=actor,
        entity=AuditEntity.invitation,
        entity_id=event_id,
        format=export_format,
        filters=filters.model_dump(mode="json", exclude_defaults=True),
        rows=rows,
    )
    starts_on = event.starts_on.isoformat() if event.starts_on else None
    filename, ascii_filename = _filenames(
        event.name, f"event-{event_id}", [starts_on, "invitations"], export_format.value
    )
    return Export(
        format=export_format,
        filename=filename,
        ascii_filename=ascii_filename,
        rows=rows,
        engine=engine,
        statement=statement,
        columns=INVITATION_COLUMNS,
        header=labels.header(INVITATION_COLUMNS),
        to_cells=_invitation_cells(labels),
        to_vcard=contact_vcard,
        sheet_title=labels.sheet_title("invitations", "Invitations"),
        **audit,
    )


# --- Contacts -----------------------------------------------------------------------------


def _filtered_contacts(session: AsyncSession, filters: ContactFilters) -> Select[*tuple[Any, ...]]:
    return contacts_service.filtered_contacts(session, filters)


def contact_rows(
    session: AsyncSession, filters: ContactFilters, *, for_vcards: bool = False
) -> Select[*tuple[Any, ...]]:
    """The columns of the CSV and XLSX tables, then the id; vCards take the tags as a list."""
    return (
        _filtered_contacts(session, filters)
        .with_only_columns(
            col(Contact.honorific),
            col(Contact.full_name),
            col(Contact.local_name),
            col(Contact.position),
            col(Contact.department),
            col(Organization.name),
            col(City.name),
            col(City.country_code),
            col(Contact.email),
            col(Contact.phone),
            _joined(session, col(Contact.languages)),
            col(Contact.tags) if for_vcards else _joined(session, col(Contact.tags)),
            col(Contact.is_active),
            col(Contact.source),
            col(Contact.notes),
            col(Contact.id),
        )
        .outerjoin(Organization, col(Contact.organization_id) == col(Organization.id))
        .outerjoin(City, col(Contact.city_id) == col(City.id))
        .order_by(col(Contact.name_key), col(Contact.id))
    )


def _contact_cells(labels: Labels) -> Callable[[Row[*tuple[Any, ...]]], list[Any]]:
    name_country = labels.country_name or country_name
    words = labels.values.get("active", {})
    yes, no = words.get("yes", "yes"), words.get("no", "no")
    width = len(CONTACT_COLUMNS)
    country = _column_index(CONTACT_COLUMNS, "country")
    active = _column_index(CONTACT_COLUMNS, "active")

    def cells(row: Row[*tuple[Any, ...]]) -> list[Any]:
        cells = list(row[:width])
        cells[country] = name_country(cells[country])
        cells[active] = yes if cells[active] else no
        return cells

    return cells


def contact_vcard(row: Row[*tuple[Any, ...]]) -> str:
    """A vCard 3.0 (what Outlook imports best). The whole name goes in FN and as N's given
    name: names come in both orders here (Kim Min-jun, Chloé Lefèvre), and a wrong split into
    family and given names would misfile people. The local-script name (김민준, 陳怡婷) is the
    NICKNAME: Outlook, iOS and Android show it and search by it, where X- fields are dropped."""
    (
        honorific,
        full_name,
        local_name,
        position,
        department,
        organization,
        city,
        country_code,
        email,
        phone,
        _languages,
        tags,
        _is_active,
        _source,
        notes,
        contact_id,
    ) = row
    text = formats.plain_text
    card = vobject.vCard()
    card.add("uid").value = f"contact-{contact_id}@{UID_DOMAIN}"
    card.add("fn").value = text(full_name)
    card.add("n").value = vobject.vcard.Name(given=text(full_name), prefix=text(honorific))
    if local_name:
        card.add("nickname").value = text(local_name)
    if organization or department:
        card.add("org").value = [text(organization), *([text(department)] if department else [])]
    if position:
        card.add("title").value = text(position)
    if email:
        line = card.add("email")
        line.value = text(email)
        line.type_param = "INTERNET"
    if phone:
        line = card.add("tel")
        # A vCard 3.0 value escapes ";" (RFC 6350's tel: URIs are 4.0): address books would
        # show "\;ext=", so the extension is written the way people dial it.
        line.value = text(phone).replace(";ext=", " ext. ")
        line.type_param = "WORK"
    if city or country_code:
        line = card.add("adr")
        line.value = vobject.vcard.Address(
            city=text(city), country=text(country_name(country_code))
        )
        line.type_param = "WORK"
    if tags:
        card.add("categories").value = [text(tag) for tag in tags]
    if notes:
        card.add("note").value = text(notes)
    return card.serialize()


async def export_contacts(
    session: AsyncSession,
    *,
    engine: AsyncEngine,
    format: ExportFormat,
    filters: ContactFilters,
    today: date,
    actor: str,
    labels: Labels = API_LABELS,
) -> Export:
    """The contacts the list's filters select, ordered by name; ``labels`` name the table's
    columns (the API's names unless told)."""
    statement = contact_rows(session, filters, for_vcards=format is ExportFormat.vcf)
    rows = await _count(
        session, _filtered_contacts(session, filters).with_only_columns(col(Contact.id))
    )
    _check_fits(format, rows)
    audit = await _audit_export(
        session,
        actor=actor,
        entity=AuditEntity.contact,
        entity_id=None,
        format=format,
        filters=filters.model_dump(mode="json", exclude_defaults=True),
        rows=rows,
    )
    filename, ascii_filename = _filenames("contacts", "contacts", [today.isoformat()], format)
    return Export(
        format=format,
        filename=filename,
        ascii_filename=ascii_filename,
        rows=rows,
        engine=engine,
        statement=statement,
        columns=CONTACT_COLUMNS,
        header=labels.header(CONTACT_COLUMNS),
        to_cells=_contact_cells(labels),
        to_vcard=contact_vcard,
        sheet_title=labels.sheet_title("contacts", "Contacts"),
        **audit,
    )
