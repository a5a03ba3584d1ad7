"""Spreadsheet-safe cells, streaming CSV and streaming XLSX: what every export and CSV report
shares.

CSV is UTF-8 with a BOM (so Excel shows 臺北, 김민준, Gaziantep's ı and Chișinău's ș), quoted per
RFC 4180, and a cell that a spreadsheet would run as a formula is defused with a leading '.
XLSX cells are all typed as text, so nothing in them is ever run as a formula (no ' needed)."""

import asyncio
import contextlib
import csv
import os
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from io import StringIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet import _writer as openpyxl_writer
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> str | Cell | None:
    """A cell's value for openpyxl, which types a plain string as text unless it starts with
    "=" (a formula) or is an error code ("#N/A"): those become explicit text cells."""
    text = plain_text(value)[:XLSX_MAX_CELL_CHARS]
    if not text:
        return None
    if text[0] == "=" or text in ERROR_CODES:
        return _text_cell(sheet, text)
    return text


def _text_cell(sheet: WriteOnlyWorksheet, text: str, *, font: Font | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _append_rows(sheet: WriteOnlyWorksheet, rows: Sequence[Sequence[Any]]) -> None:
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])


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
    Memory stays flat with the row count. One sheet: a bold header row, frozen below, with
    the given column widths."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    _start_sheet_file(sheet)
    sheet.append([_text_cell(sheet, plain_text(name), font=bold) for name in header])
    path = _temp_file(".xlsx")
    saved = False
    try:
        async for batch in batches:
            await asyncio.to_thread(_append_rows, sheet, batch)
        await asyncio.to_thread(workbook.save, path)
        saved = True
        with path.open("rb") as file:
            while chunk := file.read(chunk_bytes):
                yield chunk
    finally:
        if not saved:
            _discard(sheet)
        path.unlink(missing_ok=True)
