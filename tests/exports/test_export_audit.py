"""An export's audit entry tells what really went out: the rows sent when the stream ends,
or that it was cut short (the client went away mid-file)."""

from datetime import date

from app.contacts.models import Contact
from app.exports import service as exports_service
from app.exports.schemas import ContactFilters, ExportFormat
from tests.factories import insert, make_contact
from tests.reading import audit_entries

ROWS = 50
BATCH = 10  # rows read at a time: five batches, each one chunk of the file (a long note)


async def test_a_finished_export_records_the_rows_sent(client):
    for n in range(3):
        await make_contact(client, full_name=f"Person {n}")
    response = await client.get("/api/v1/contacts/export")
    assert response.status_code == 200
    [entry] = await audit_entries(client, "contact", action="export")
    assert entry["changes"] == {"format": "csv", "filters": {}, "rows": 3}


async def test_an_export_cut_short_is_marked_incomplete(app, client, monkeypatch):
    monkeypatch.setattr(exports_service, "BATCH_ROWS", BATCH)
    await insert(
        app,
        *(
            Contact(full_name=f"Person {n:05}", name_key=f"person {n:05}", notes="x" * 7000)
            for n in range(ROWS)
        ),
    )
    database = app.state.database
    async with database.write_sessionmaker() as session, session.begin():
        export = await exports_service.export_contacts(
            session,
            engine=database.snapshot_engine,
            format=ExportFormat.csv,
            filters=ContactFilters(),
            today=date(2026, 12, 2),
            actor="editor",
        )
    [started] = await audit_entries(client, "contact", action="export")
    assert started["changes"]["complete"] is False and started["changes"]["rows"] == 0

    body = export.body()
    first = await anext(body)
    assert first.startswith("\ufeff".encode())
    await body.aclose()  # the client went away

    [entry] = await audit_entries(client, "contact", action="export")
    changes = entry["changes"]
    assert changes["complete"] is False
    assert changes["rows_expected"] == ROWS
    assert 0 < changes["rows"] < ROWS
