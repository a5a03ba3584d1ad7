"""Spreadsheet-safe cells and streaming CSV: what every export and CSV report shares.

CSV is UTF-8 with a BOM (so Excel shows 臺北, 김민준, Gaziantep's ı and Chișinău's ș), quoted per
RFC 4180, and a cell that a spreadsheet would run as a formula is defused with a leading '."""

import csv
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from io import StringIO
from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters no spreadsheet cell may hold (XML 1.0 forbids them; CSV readers choke on them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: Any) -> str:
    """A value as the text of one cell."""
    if value is None:
        return ""
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
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_line(values: Sequence[Any]) -> str:
    buffer = StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole (small) CSV document, BOM first."""
    buffer = StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


async def csv_stream(
    header: Sequence[str],
    batches: AsyncIterable[Sequence[Sequence[Any]]],
    *,
    chunk_chars: int = 64 * 1024,
) -> AsyncIterator[bytes]:
    """Stream CSV as UTF-8 bytes from batches of rows; memory stays flat with the row count."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    async for batch in batches:
        writer.writerows([safe_cell(v) for v in row] for row in batch)
        if buffer.tell() >= chunk_chars:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
