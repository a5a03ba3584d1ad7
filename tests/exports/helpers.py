"""Reading exports back as a spreadsheet or address book would, and rows inserted directly for
tables whose API is still being built."""

import csv
import io
from datetime import date
from typing import Any

import openpyxl
import vobject

from app.events.models import Event
from app.invitations.models import Invitation, InvitationStatus
from app.text import fold

BOM = "\ufeff"


async def insert(app, *records: Any) -> list[int]:
    async with app.state.database.write_sessionmaker() as session, session.begin():
        session.add_all(records)
        await session.flush()
        return [record.id for record in records]


async def make_event(app, name: str = "Smart City Summit & Expo 2025", **fields: Any) -> int:
    fields.setdefault("starts_on", date(2025, 3, 18))
    (event_id,) = await insert(app, Event(name=name, name_key=fold(name), **fields))
    return event_id


async def invite(app, event_id: int, contact_id: int, **fields: Any) -> int:
    fields.setdefault("status", InvitationStatus.planned)
    (invitation_id,) = await insert(
        app, Invitation(event_id=event_id, contact_id=contact_id, **fields)
    )
    return invitation_id


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV export, which must be UTF-8 with a BOM."""
    assert content.startswith(BOM.encode("utf-8")), content[:10]
    text = content.decode("utf-8").removeprefix(BOM)
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(content: bytes) -> list[list[Any]]:
    """The rows of an XLSX export, checking that every cell is text (never a formula)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    rows = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.value is None or cell.data_type == "s", (cell.coordinate, cell.value)
        rows.append([cell.value for cell in row])
    return rows


def vcards(content: bytes) -> list[Any]:
    return list(vobject.readComponents(content.decode("utf-8")))
