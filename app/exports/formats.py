"""Spreadsheet-safe cells, streaming CSV, XLSX and ODS: what every export and CSV report
shares.

CSV is UTF-8 with a BOM (so Excel shows 臺北, 김민준, Gaziantep's ı and Chișinău's ș), quoted per
RFC 4180, and a cell that a spreadsheet would run as a formula is defused with a leading '.
XLSX and ODS cells are all typed as text, so nothing in them is ever run as a formula (no '
needed), and both sheets are laid out the same way for people: a frozen, filtered header,
landscape pages one sheet wide."""

import asyncio
import contextlib
import csv
import os
import re
import struct
import tempfile
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Sequence
from datetime import date, datetime
from enum import Enum
from io import StringIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet import _writer as openpyxl_writer
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

BOM = "\ufeff"
# What makes a spreadsheet read a cell as a formula: these first characters, also in their
# fullwidth forms (an East Asian keyboard types ＝), and also behind characters that show
# nothing (spaces, a BOM, zero-width spaces and joiners).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
INVISIBLE_LEAD = " \u00a0\u3000\ufeff\u200b\u200c\u200d\u2060"
# Characters no spreadsheet cell may hold (XML 1.0 forbids them; CSV readers choke on them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limits: the text of one cell, and the rows of a sheet (the header is one of them).
XLSX_MAX_CELL_CHARS = 32_767
XLSX_MAX_ROWS = 1_048_576
CHUNK_BYTES = 64 * 1024
TEXT_FORMAT = "@"  # Excel's number format "Text"


def plain_text(value: Any) -> str:
    """A value as the text of one cell."""
    if value is None:
        return ""
    if type(value) is str:  # the common case first: exports are mostly text
        return _CONTROL.sub("", value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(plain_text(v) for v in value)
    return _CONTROL.sub("", str(value))


def safe_cell(value: Any) -> str:
    """``plain_text`` defused: never read as a formula by Excel, LibreOffice or Sheets."""
    text = plain_text(value)
    if text.lstrip(INVISIBLE_LEAD).startswith(FORMULA_STARTS):
        return "'" + text
    return text


# A cell that starts with none of these can be written as it is (when it has no control
# characters): the first test of the fast path below.
_RISKY_FIRST = frozenset(FORMULA_STARTS) | frozenset(INVISIBLE_LEAD)


def _csv_rows(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text, every cell ``safe_cell``. Most cells are plain text that needs no
    change, so they go through as they are; if the batch turns out to hold a control character
    (rare), it is written again cell by cell, since a stripped control character can unmask a
    formula (U+0001 followed by "=cmd")."""
    rows = rows if isinstance(rows, Sequence) else list(rows)
    buffer = StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [
            value
            if (type(value) is str and value[:1] not in _RISKY_FIRST) or value is None
            else safe_cell(value)
            for value in row
        ]
        for row in rows
    )
    text = buffer.getvalue()
    if _CONTROL.search(text) is None:
        return text
    buffer = StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [safe_cell(value) for value in row] for row in rows
    )
    return buffer.getvalue()


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole (small) CSV document, BOM first."""
    return BOM + _csv_rows([header]) + _csv_rows(rows)


async def csv_stream(
    header: Sequence[str],
    batches: AsyncIterable[Sequence[Sequence[Any]]],
    *,
    chunk_chars: int = CHUNK_BYTES,
) -> AsyncIterator[bytes]:
    """Stream CSV as UTF-8 bytes from batches of rows; memory stays flat with the row count."""
    pending = [BOM, _csv_rows([header])]
    size = 0
    async for batch in batches:
        text = _csv_rows(batch)
        pending.append(text)
        size += len(text)
        if size >= chunk_chars:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    yield "".join(pending).encode("utf-8")


def _text_cell(sheet: WriteOnlyWorksheet, text: str | None, *, font: Font | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # even for "=…" or "#N/A", which openpyxl would make a formula or error
    cell.number_format = TEXT_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _xlsx_text(value: Any) -> str | None:
    return plain_text(value)[:XLSX_MAX_CELL_CHARS] or None


def _write_text_cells(sheet: WriteOnlyWorksheet) -> None:
    """Make the sheet write every value it is given as a text cell in the text number format
    ("@"): Excel then keeps what was typed (+886 2 2720 8889, 007, 2025-03-18) and never runs
    a formula, and a cell the user types into later stays text. openpyxl would build a styled
    cell object per value (half the export's speed), so one cell is reused, as openpyxl itself
    does for unstyled values; an empty value is still written, in the text format."""
    cell = _text_cell(sheet, None)

    def values_to_row(values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
        for col_idx, value in enumerate(values, 1):
            if isinstance(value, Cell):  # the header's bold cells
                value.column, value.row = col_idx, row_idx
                yield value
                continue
            cell._value = value  # type: ignore[attr-defined]  # as text, unchecked: see above
            cell.column, cell.row = col_idx, row_idx
            yield cell

    sheet._values_to_row = values_to_row  # type: ignore[attr-defined]  # openpyxl's private method


def _append_rows(sheet: WriteOnlyWorksheet, rows: Sequence[Sequence[Any]]) -> None:
    for row in rows:
        sheet.append([_xlsx_text(value) for value in row])


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Remove the temporary file openpyxl streams an unsaved write-only sheet into (it would
    otherwise stay until the process exits). Synchronous: it runs while a cancelled export
    unwinds, where nothing may be awaited."""
    writer = getattr(sheet, "_writer", None)
    if writer is None:
        return
    with contextlib.suppress(Exception):
        sheet.close()
    with contextlib.suppress(Exception):
        writer.cleanup()


# XLSX is built on disk (openpyxl writes a sheet to a file), in a folder of our own, mode
# 0700. A file is named after the process that wrote it, so what a crashed process left
# behind is recognised and removed (``remove_orphaned_files``, run at start), while the
# files of other live workers are left alone.
TEMP_PREFIX = "crm-export-"


def temp_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"diplomacy-crm-exports-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        raise RuntimeError(f"{folder} is not a folder of this user; remove it")
    folder.chmod(0o700)
    return folder


def _temp_file(suffix: str) -> Path:
    descriptor, name = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=temp_dir()
    )
    os.close(descriptor)
    return Path(name)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_orphaned_files() -> int:
    """Delete the export files of processes that are gone (a crash mid-export); returns how
    many there were."""
    removed = 0
    for path in temp_dir().glob(f"{TEMP_PREFIX}*"):
        pid = path.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or not _process_alive(int(pid)) or int(pid) == os.getpid():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _start_sheet_file(sheet: WriteOnlyWorksheet) -> None:
    """Make openpyxl write the sheet into our folder rather than the system's temp folder
    (it has no option for it: this is what its write-only sheet does on its first row)."""
    out = str(_temp_file(".xml"))
    openpyxl_writer.ALL_TEMP_FILES.append(out)  # openpyxl's cleanup expects to know it
    writer = openpyxl_writer.WorksheetWriter(sheet, out=out)
    sheet._writer = writer  # type: ignore[attr-defined]  # openpyxl's private attribute
    writer.write_top()


async def xlsx_stream(
    header: Sequence[str],
    batches: AsyncIterable[Sequence[Sequence[Any]]],
    *,
    widths: Sequence[float] = (),
    title: str = "Export",
    chunk_bytes: int = CHUNK_BYTES,
) -> AsyncIterator[bytes]:
    """Stream an XLSX workbook built from batches of rows: openpyxl's write-only sheet writes
    each batch to a temporary file (in a worker thread, off the event loop), the workbook is
    saved to another temporary file, sent in chunks and deleted; both are in ``temp_dir()``.
    Memory stays flat with the row count. One sheet, made to be read and printed by people:
    a bold header row, frozen, with an auto-filter over it and every row, and printed on
    every page; the given column widths; every cell text; landscape, fitted to the page's
    width."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = width
        column.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    bold = Font(bold=True)
    _start_sheet_file(sheet)  # writes the sheet's properties: they are set before it
    _write_text_cells(sheet)
    sheet.append([_text_cell(sheet, _xlsx_text(name), font=bold) for name in header])
    path = _temp_file(".xlsx")
    saved = False
    rows = 0
    try:
        async for batch in batches:
            await asyncio.to_thread(_append_rows, sheet, batch)
            rows += len(batch)
        if header:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
        await asyncio.to_thread(workbook.save, path)
        saved = True
        with path.open("rb") as file:
            while chunk := file.read(chunk_bytes):
                yield chunk
    finally:
        if not saved:
            _discard(sheet)
        path.unlink(missing_ok=True)


# --- ODS (OpenDocument Spreadsheet) --------------------------------------------------------
#
# Written here rather than with a library: odfpy, ezodf, pyexcel-ods3 and odswriter build the
# whole document in memory before saving it, and the one streaming writer (stream-write-ods)
# has no frozen header, filter or print layout and reads its rows synchronously. An ODS file is
# a zip of a few XML files; only content.xml grows with the rows, and it is written and
# compressed a batch at a time, so memory stays flat and nothing is written to disk.

ODS_MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_MAX_ROWS = 1_048_576  # LibreOffice Calc's rows per sheet (the header is one of them)
_ZIP32_LIMIT = 0xFFFF_FFFF  # LibreOffice reads no ZIP64: an ODS file stays below 4 GiB

_ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'office:version="1.3"'
)
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_ODS_MANIFEST = (
    _XML_DECLARATION
    + f"<manifest:manifest {_ODF_NAMESPACES.replace('office:version', 'manifest:version')}>"
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
    f'manifest:media-type="{ODS_MEDIA_TYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
# The text number format (LibreOffice's "@"), landscape A4 pages scaled to the sheet's width.
_ODS_STYLES = (
    _XML_DECLARATION + f"<office:document-styles {_ODF_NAMESPACES}>"
    "<office:styles>"
    '<number:text-style style:name="text"><number:text-content/></number:text-style>'
    '<style:style style:name="Default" style:family="table-cell"'
    ' style:data-style-name="text"/>'
    "</office:styles>"
    "<office:automatic-styles>"
    '<style:page-layout style:name="landscape"><style:page-layout-properties'
    ' fo:page-width="29.7cm" fo:page-height="21cm" style:print-orientation="landscape"'
    ' fo:margin="1.5cm" style:scale-to-X="1" style:scale-to-Y="0"/></style:page-layout>'
    "</office:automatic-styles>"
    '<office:master-styles><style:master-page style:name="Default"'
    ' style:page-layout-name="landscape"/></office:master-styles>'
    "</office:document-styles>"
)


def _ods_settings(title: str) -> str:
    """The view: the header row frozen (the sheet split below it, the lower part scrolling)."""

    def item(name: str, kind: str, value: object) -> str:
        return (
            f'<config:config-item config:name="{name}" config:type="{kind}">'
            f"{value}</config:config-item>"
        )

    frozen = "".join(
        [
            item("HorizontalSplitMode", "short", 0),
            item("VerticalSplitMode", "short", 2),
            item("VerticalSplitPosition", "int", 1),
            item("ActiveSplitRange", "short", 2),
            item("PositionTop", "int", 0),
            item("PositionBottom", "int", 1),
        ]
    )
    return (
        _XML_DECLARATION + f"<office:document-settings {_ODF_NAMESPACES}><office:settings>"
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        + item("ViewId", "string", "view1")
        + '<config:config-item-map-named config:name="Tables">'
        f'<config:config-item-map-entry config:name="{_xml_attribute(title)}">{frozen}'
        "</config:config-item-map-entry></config:config-item-map-named>"
        + item("ActiveTable", "string", _xml_attribute(title))
        + "</config:config-item-map-entry></config:config-item-map-indexed>"
        "</config:config-item-set></office:settings></office:document-settings>"
    )


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attribute(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


# What XML would collapse in a paragraph: tabs, spaces at either end, runs of spaces.
_ODS_SPACES = re.compile(r"\t|^ +| +$| {2,}")


def _ods_spaces(match: re.Match[str]) -> str:
    found = match.group()
    if found == "\t":
        return "<text:tab/>"
    if match.start() == 0 or match.end() == len(match.string):
        return f'<text:s text:c="{len(found)}"/>'
    return f' <text:s text:c="{len(found) - 1}"/>'


def _ods_paragraph(line: str) -> str:
    """One line of a cell, with the spaces and tabs XML would lose spelled out."""
    return f"<text:p>{_ODS_SPACES.sub(_ods_spaces, _xml_text(line))}</text:p>"


def _ods_cell(value: Any, style: str = "") -> str:
    """A text cell (office:value-type "string"): never a formula, whatever it holds."""
    text = plain_text(value)
    if not text:
        return f"<table:table-cell{style}/>"
    if "\n" in text or "\r" in text or "\t" in text or "  " in text or " " in (text[0], text[-1]):
        lines = "".join(map(_ods_paragraph, re.split(r"\r\n|\r|\n", text)))
    else:
        lines = f"<text:p>{_xml_text(text)}</text:p>"
    return f'<table:table-cell{style} office:value-type="string">{lines}</table:table-cell>'


def _ods_rows(rows: Sequence[Sequence[Any]]) -> str:
    return "".join(
        "<table:table-row>" + "".join(map(_ods_cell, row)) + "</table:table-row>" for row in rows
    )


def _ods_content_head(header: Sequence[str], widths: Sequence[float], title: str) -> str:
    """content.xml up to the first data row: the styles of its columns and the header row
    (bold, repeated at the top of every printed page)."""
    column_styles = "".join(
        f'<style:style style:name="co{index}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{width * 0.21:.2f}cm"/>'
        "</style:style>"
        for index, width in enumerate(widths)
    )
    columns = (
        "".join(
            f'<table:table-column table:style-name="co{index}"'
            ' table:default-cell-style-name="Default"/>'
            for index in range(len(widths))
        )
        or '<table:table-column table:default-cell-style-name="Default"/>'
    )
    bold = ' table:style-name="header"'
    return (
        _XML_DECLARATION + f"<office:document-content {_ODF_NAMESPACES}>"
        "<office:automatic-styles>"
        '<style:style style:name="sheet" style:family="table" style:master-page-name="Default">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="header" style:family="table-cell"'
        ' style:parent-style-name="Default">'
        '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"'
        ' style:font-weight-complex="bold"/></style:style>'
        f"{column_styles}</office:automatic-styles>"
        "<office:body><office:spreadsheet>"
        f'<table:table table:name="{_xml_attribute(title)}" table:style-name="sheet">'
        f"{columns}<table:table-header-rows><table:table-row>"
        + "".join(_ods_cell(name, bold) for name in header)
        + "</table:table-row></table:table-header-rows>"
    )


def _ods_content_tail(header: Sequence[str], rows: int, title: str) -> str:
    """The end of content.xml: an auto-filter over the header and every row (the row count
    is known only now)."""
    tail = "</table:table>"
    if header:
        sheet = "'" + title.replace("'", "''") + "'"
        last = f"{get_column_letter(len(header))}{rows + 1}"
        tail += (
            '<table:database-ranges><table:database-range table:name="__Anonymous_Sheet_DB__0"'
            f' table:target-range-address="{_xml_attribute(f"{sheet}.A1:{sheet}.{last}")}"'
            ' table:display-filter-buttons="true"/></table:database-ranges>'
        )
    return tail + "</office:spreadsheet></office:body></office:document-content>"


class _ZipStream:
    """A zip archive written front to back, as bytes handed out as they are made (no seek
    back): what an ODS file needs and no more. Small members are compressed whole; the one
    that grows (content.xml) is compressed as it comes and its sizes follow it in a data
    descriptor. The mimetype member must be first and stored, its sizes in its header."""

    _STORED, _DEFLATED = 0, 8
    _DATA_DESCRIPTOR = 0x08

    def __init__(self) -> None:
        self.offset = 0
        self.directory: list[bytes] = []
        now = datetime.now()
        self.time = now.hour << 11 | now.minute << 5 | now.second // 2
        self.date = (now.year - 1980) << 9 | now.month << 5 | now.day
        self._name = b""
        self._crc = self._size = self._compressed = self._start = 0
        self._compressor: Any = None

    def _header(
        self, name: bytes, method: int, flags: int, crc: int, csize: int, size: int
    ) -> bytes:
        return (
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                flags,
                method,
                self.time,
                self.date,
                crc,
                csize,
                size,
                len(name),
                0,
            )
            + name
        )

    def _record(
        self, name: bytes, method: int, flags: int, crc: int, csize: int, size: int, start: int
    ) -> None:
        if max(csize, size, start, self.offset) > _ZIP32_LIMIT:
            raise RuntimeError("The export is too large for an ODS file (4 GiB)")
        self.directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                method,
                self.time,
                self.date,
                crc,
                csize,
                size,
                len(name),
                0,
                0,
                0,
                0,
                0o100644 << 16,
                start,
            )
            + name
        )

    def member(self, name: str, data: bytes, *, compress: bool = True) -> bytes:
        """A whole member, compressed unless told otherwise."""
        encoded = name.encode("ascii")
        crc = zlib.crc32(data)
        method = self._DEFLATED if compress else self._STORED
        if compress:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = compressor.compress(data) + compressor.flush()
        else:
            body = data
        chunk = self._header(encoded, method, 0, crc, len(body), len(data)) + body
        self._record(encoded, method, 0, crc, len(body), len(data), self.offset)
        self.offset += len(chunk)
        return chunk

    def start(self, name: str) -> bytes:
        """Open the growing member: its header, sizes to follow."""
        self._name = name.encode("ascii")
        self._crc = self._size = self._compressed = 0
        self._start = self.offset
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        header = self._header(self._name, self._DEFLATED, self._DATA_DESCRIPTOR, 0, 0, 0)
        self.offset += len(header)
        return header

    def write(self, data: bytes) -> bytes:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        if self._size > _ZIP32_LIMIT:
            raise RuntimeError("The export is too large for an ODS file (4 GiB)")
        chunk = self._compressor.compress(data)
        self._compressed += len(chunk)
        self.offset += len(chunk)
        return bytes(chunk)

    def end(self) -> bytes:
        """Close the growing member: the rest of its data, then its CRC and sizes."""
        chunk = self._compressor.flush()
        self._compressed += len(chunk)
        descriptor = struct.pack("<IIII", 0x08074B50, self._crc, self._compressed, self._size)
        self._record(
            self._name,
            self._DEFLATED,
            self._DATA_DESCRIPTOR,
            self._crc,
            self._compressed,
            self._size,
            self._start,
        )
        self.offset += len(chunk) + len(descriptor)
        return bytes(chunk) + descriptor

    def finish(self) -> bytes:
        """The central directory and its end record."""
        directory = b"".join(self.directory)
        count = len(self.directory)
        end = struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), self.offset, 0
        )
        self.offset += len(directory) + len(end)
        return directory + end


async def ods_stream(
    header: Sequence[str],
    batches: AsyncIterable[Sequence[Sequence[Any]]],
    *,
    widths: Sequence[float] = (),
    title: str = "Export",
    chunk_bytes: int = CHUNK_BYTES,
) -> AsyncIterator[bytes]:
    """Stream an ODS spreadsheet built from batches of rows, laid out like ``xlsx_stream``'s
    sheet: every cell text (never a formula), a bold header row frozen, filtered and printed
    on every page, the given column widths, landscape pages fitted to the width. Each batch
    is written as XML and compressed in a worker thread, off the event loop."""
    title = _ods_sheet_name(title)
    archive = _ZipStream()
    yield (
        archive.member("mimetype", ODS_MEDIA_TYPE.encode("ascii"), compress=False)
        + archive.member("META-INF/manifest.xml", _ODS_MANIFEST.encode("utf-8"))
        + archive.member("styles.xml", _ODS_STYLES.encode("utf-8"))
        + archive.member("settings.xml", _ods_settings(title).encode("utf-8"))
        + archive.start("content.xml")
        + archive.write(_ods_content_head(header, widths, title).encode("utf-8"))
    )

    def compressed(batch: Sequence[Sequence[Any]]) -> bytes:
        return archive.write(_ods_rows(batch).encode("utf-8"))

    pending: list[bytes] = []
    size = rows = 0
    async for batch in batches:
        chunk = await asyncio.to_thread(compressed, batch)
        rows += len(batch)
        pending.append(chunk)
        size += len(chunk)
        if size >= chunk_bytes:
            yield b"".join(pending)
            pending, size = [], 0
    pending.append(archive.write(_ods_content_tail(header, rows, title).encode("utf-8")))
    pending.append(archive.end())
    pending.append(archive.finish())
    yield b"".join(pending)


def _ods_sheet_name(title: str) -> str:
    """A sheet name LibreOffice accepts (none of []*?:/\\)."""
    return re.sub(r"[\[\]*?:/\\]", " ", plain_text(title)).strip()[:31] or "Sheet1"
