import io
from urllib.parse import quote

import openpyxl
import pytest

from app.exports import formats
from tests.exports.reading import NS, ODS, ods_parts, sheet_rows
from tests.factories import (
    archive,
    make_city,
    make_contact,
    make_event,
    make_invitation,
    make_organization,
)
from tests.problems import PROBLEM_JSON
from tests.reading import audit_entries, csv_rows, xlsx_rows

HEADER = [
    "honorific",
    "full_name",
    "local_name",
    "position",
    "organization",
    "city",
    "country",
    "email",
    "phone",
    "languages",
    "status",
    "send_on",
    "notes",
]
SUMMIT = "Smart City Summit & Expo 2025"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(event_id: int) -> str:
    return f"/api/v1/events/{event_id}/invitations/export"


def _rows(content: bytes, export_format: str) -> list[list]:
    return csv_rows(content) if export_format == "csv" else sheet_rows(content, export_format)


async def _kim(client) -> dict:
    busan = await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client, name="Metropolis")
    return await make_contact(
        client,
        full_name="Kim Min-jun",
        local_name="김민준",
        honorific="Mr.",
        position="International Cooperation Officer",
        city_id=busan["id"],
        organization_id=metropolis["id"],
        email="minjun.kim@busan.example",
        phone="+82 51 888 1234",
        languages=["ko", "en"],
    )


async def test_csv_lists_the_live_invitations_of_the_event(client):
    kim = await _kim(client)
    ana = await make_contact(client, full_name="Ana Rusu")
    gone = await make_contact(client, full_name="Archived Invitation")
    event_id = (await make_event(client, name=SUMMIT))["id"]
    other_event = (await make_event(client, name="Another event"))["id"]
    await make_invitation(client, event_id, kim["id"], send_on="2025-02-01", notes="Bring the MoU")
    await make_invitation(client, event_id, ana["id"], status="accepted")
    archived = await make_invitation(client, event_id, gone["id"])
    await archive(client, f"events/{event_id}/invitations", archived["id"])
    await make_invitation(client, other_event, ana["id"])

    response = await client.get(_url(event_id), params={"format": "csv"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="smart-city-summit-expo-2025-2025-03-18-invitations.csv"'
    )
    rows = csv_rows(response.content)
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["", "Ana Rusu", "", "", "", "", "", "", "", "", "accepted", "", ""],
        [
            "Mr.",
            "Kim Min-jun",
            "김민준",
            "International Cooperation Officer",
            "Metropolis",
            "Busan",
            "South Korea",
            "minjun.kim@busan.example",
            "'+82518881234",  # a leading + would make Excel compute it
            "ko; en",
            "planned",
            "2025-02-01",
            "Bring the MoU",
        ],
    ]
    # CSV is the default format.
    default = await client.get(_url(event_id))
    assert default.status_code == 200
    assert default.content == response.content


async def test_csv_quotes_commas_quotes_and_line_breaks_per_rfc_4180(client):
    contact = await make_contact(client, full_name='Lefèvre, Chloé "Clo"')
    event_id = (await make_event(client, name=SUMMIT))["id"]
    await make_invitation(
        client, event_id, contact["id"], notes='Line one, "quoted"\nLine two\r\nLine three'
    )

    response = await client.get(_url(event_id))

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffhonorific,full_name,")
    assert "\r\n" in body and body.endswith("\r\n")
    assert ',"Lefèvre, Chloé ""Clo""",' in body
    assert '"Line one, ""quoted""\nLine two\r\nLine three"\r\n' in body
    rows = csv_rows(response.content)
    assert len(rows) == 2
    assert rows[1][1] == 'Lefèvre, Chloé "Clo"'
    assert rows[1][12] == 'Line one, "quoted"\nLine two\r\nLine three'


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "   =cmd|' /C calc'!A0",
    "  +1",
    "  -1",
    "  @SUM(1)",
]
HARMLESS = ["a=b", "1+1", "e-mail me", "x@y.example", "'already quoted"]


async def test_csv_defuses_every_cell_a_spreadsheet_would_run(client):
    event_id = (await make_event(client, name=SUMMIT))["id"]
    notes = FORMULAS + HARMLESS
    for index, note in enumerate(notes):
        contact = await make_contact(client, full_name=f"Person {index:02d}")
        await make_invitation(client, event_id, contact["id"], notes=note)

    rows = csv_rows((await client.get(_url(event_id))).content)

    exported = {row[1]: row[12] for row in rows[1:]}
    for index, note in enumerate(notes):
        expected = "'" + note if note in FORMULAS else note
        assert exported[f"Person {index:02d}"] == expected, note


async def test_xlsx_is_all_text_with_a_bold_frozen_header(client):
    kim = await _kim(client)
    event_id = (await make_event(client, name=SUMMIT))["id"]
    await make_invitation(client, event_id, kim["id"], send_on="2025-02-01", notes="=1+1")
    for index, note in enumerate(["#N/A", "+886 2 1234 5678", "0012", "2025-03-18", "TRUE"]):
        contact = await make_contact(client, full_name=f"Person {index}")
        await make_invitation(client, event_id, contact["id"], notes=note)

    response = await client.get(_url(event_id), params={"format": "xlsx"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == (
        'attachment; filename="smart-city-summit-expo-2025-2025-03-18-invitations.xlsx"'
    )
    rows = xlsx_rows(response.content)  # asserts every cell is text, none a formula
    assert rows[0] == HEADER
    kim_row = next(row for row in rows if row[1] == "Kim Min-jun")
    # In XLSX the text is exact: a text cell is never computed, so nothing needs defusing.
    assert kim_row == [
        "Mr.",
        "Kim Min-jun",
        "김민준",
        "International Cooperation Officer",
        "Metropolis",
        "Busan",
        "South Korea",
        "minjun.kim@busan.example",
        "+82518881234",
        "ko; en",
        "planned",
        "2025-02-01",
        "=1+1",
    ]
    notes = sorted(row[12] for row in rows[1:] if row[1].startswith("Person"))
    assert notes == sorted(["#N/A", "+886 2 1234 5678", "0012", "2025-03-18", "TRUE"])

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert sheet.column_dimensions["B"].width >= 20  # full_name
    assert sheet.column_dimensions["M"].width >= 30  # notes
    # Made for people: a filter over the header and every row, every cell (empty ones too)
    # in the text format, so Excel keeps +886…, 0012 and 2025-03-18 as typed; printed
    # landscape, one page wide, the header on every page.
    assert sheet.auto_filter.ref == "A1:M7"
    assert {cell.number_format for row in sheet.iter_rows() for cell in row} == {"@"}
    assert sheet["A3"].value is None and sheet["A3"].number_format == "@"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"


async def test_ods_is_all_text_with_a_frozen_filtered_header_printed_landscape(client):
    kim = await _kim(client)
    event_id = (await make_event(client, name=SUMMIT))["id"]
    await make_invitation(client, event_id, kim["id"], send_on="2025-02-01", notes="=1+1")
    notes = ["#N/A", "+886 2 1234 5678", "0012", "2025-03-18", "＝HYPERLINK(1)", "a  b\nc"]
    for index, note in enumerate(notes):
        contact = await make_contact(client, full_name=f"Person {index}", local_name="陳怡婷")
        await make_invitation(client, event_id, contact["id"], notes=note)

    response = await client.get(_url(event_id), params={"format": "ods"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ODS
    assert response.headers["content-disposition"] == (
        'attachment; filename="smart-city-summit-expo-2025-2025-03-18-invitations.ods"'
    )
    rows = sheet_rows(response.content, "ods")  # checks the zip, and that every cell is text
    assert rows[0] == HEADER
    kim_row = next(row for row in rows if row[1] == "Kim Min-jun")
    # As in XLSX the text is exact: a text cell is never computed.
    assert kim_row == [
        "Mr.",
        "Kim Min-jun",
        "김민준",
        "International Cooperation Officer",
        "Metropolis",
        "Busan",
        "South Korea",
        "minjun.kim@busan.example",
        "+82518881234",
        "ko; en",
        "planned",
        "2025-02-01",
        "=1+1",
    ]
    people = sorted((row[12], row[2]) for row in rows[1:] if row[1].startswith("Person"))
    assert people == sorted((note, "陳怡婷") for note in notes)

    parts = ods_parts(response.content)
    content = parts["content.xml"]
    table = content.find(".//table:table", NS)
    assert table.get(f"{{{NS['table']}}}name") == "Invitations"
    header_rows = table.findall("table:table-header-rows/table:table-row", NS)
    assert len(header_rows) == 1  # repeated on every printed page
    [database_range] = content.findall(".//table:database-range", NS)
    assert database_range.get(f"{{{NS['table']}}}target-range-address") == (
        "'Invitations'.A1:'Invitations'.M8"
    )
    assert database_range.get(f"{{{NS['table']}}}display-filter-buttons") == "true"
    settings = {
        item.get(f"{{{NS['config']}}}name"): item.text
        for item in parts["settings.xml"].iter(f"{{{NS['config']}}}config-item")
    }
    assert settings["VerticalSplitMode"] == "2" and settings["VerticalSplitPosition"] == "1"
    layout = parts["styles.xml"].find(".//style:page-layout-properties", NS)
    assert layout.get(f"{{{NS['style']}}}print-orientation") == "landscape"
    assert layout.get(f"{{{NS['style']}}}scale-to-X") == "1"


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "ods"])
async def test_names_in_any_script_round_trip(client, export_format):
    gaziantep = await make_city(client, name="Gaziantep", country_code="TR")
    chisinau = await make_city(client, name="Chișinău", country_code="MD")
    taipei = await make_city(client, name="臺北", country_code="TW")
    people = [
        ("Chen Yi-ting", "陳怡婷", taipei, "臺北市政府"),
        ("Kim Min-jun", "김민준", None, "부산광역시"),
        ("Şükrü Işıkoğlu", None, gaziantep, "Gaziantep Büyükşehir Belediyesi"),
        ("Ștefan Țurcanu", None, chisinau, "Primăria Chișinău"),
    ]
    event_id = (await make_event(client, name=SUMMIT))["id"]
    for full_name, local_name, city, note in people:
        contact = await make_contact(
            client,
            full_name=full_name,
            local_name=local_name,
            city_id=city["id"] if city else None,
        )
        await make_invitation(client, event_id, contact["id"], notes=note)

    response = await client.get(_url(event_id), params={"format": export_format})

    assert response.status_code == 200
    rows = _rows(response.content, export_format)
    exported = {row[1]: (row[2] or None, row[5] or None, row[6] or None, row[12]) for row in rows}
    assert exported["Chen Yi-ting"] == ("陳怡婷", "臺北", "Taiwan", "臺北市政府")
    assert exported["Kim Min-jun"] == ("김민준", None, None, "부산광역시")
    assert exported["Şükrü Işıkoğlu"] == (
        None,
        "Gaziantep",
        "Türkiye",
        "Gaziantep Büyükşehir Belediyesi",
    )
    assert exported["Ștefan Țurcanu"] == (None, "Chișinău", "Moldova", "Primăria Chișinău")


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "ods"])
async def test_control_characters_are_dropped_not_a_500(client, export_format):
    contact = await make_contact(client, full_name="Kadri Tamm")
    event_id = (await make_event(client, name=SUMMIT))["id"]
    await make_invitation(
        client, event_id, contact["id"], notes="a\x01b\x07c\x0bd\x1be\x7ff\ufffeg\tend"
    )
    hidden = await make_contact(client, full_name="\x02Zed\x1f Hidden")
    await make_invitation(client, event_id, hidden["id"], notes="\x01=HYPERLINK(1)")

    response = await client.get(_url(event_id), params={"format": export_format})

    assert response.status_code == 200, response.text
    rows = _rows(response.content, export_format)
    notes = {row[1]: row[12] for row in rows[1:]}
    assert notes["Kadri Tamm"] == "abcdefg\tend"
    # Once the control character is gone the formula shows: it is defused all the same.
    expected = "'=HYPERLINK(1)" if export_format == "csv" else "=HYPERLINK(1)"
    assert notes["Zed Hidden"] == expected


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "ods"])
async def test_nothing_to_export_gives_the_header_alone(client, export_format):
    contact = await make_contact(client)
    event_id = (await make_event(client, name=SUMMIT))["id"]
    await make_invitation(client, event_id, contact["id"], status="planned")

    response = await client.get(
        _url(event_id), params={"format": export_format, "status": "declined"}
    )

    assert response.status_code == 200
    if export_format == "csv":
        assert response.content == ("\ufeff" + ",".join(HEADER) + "\r\n").encode("utf-8")
    else:
        assert _rows(response.content, export_format) == [HEADER]
    # An event without any invitation is the same.
    empty_event = (await make_event(client, name="Empty"))["id"]
    response = await client.get(_url(empty_event), params={"format": export_format})
    assert response.status_code == 200
    assert _rows(response.content, export_format) == [HEADER]


async def test_status_filter(client):
    event_id = (await make_event(client, name=SUMMIT))["id"]
    for name, status in [
        ("Planned Person", "planned"),
        ("Sent Person", "sent"),
        ("Accepted Person", "accepted"),
        ("Also Planned", "planned"),
    ]:
        contact = await make_contact(client, full_name=name)
        await make_invitation(client, event_id, contact["id"], status=status)

    response = await client.get(_url(event_id), params={"status": "planned"})
    assert [row[1] for row in csv_rows(response.content)[1:]] == ["Also Planned", "Planned Person"]
    response = await client.get(_url(event_id), params={"status": "accepted", "format": "xlsx"})
    assert [row[1] for row in xlsx_rows(response.content)[1:]] == ["Accepted Person"]

    response = await client.get(_url(event_id), params={"status": "maybe"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_unknown_event_is_404_and_unknown_format_is_422(client):
    response = await client.get(_url(999_999))
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "999999" in response.json()["detail"]

    event_id = (await make_event(client, name=SUMMIT))["id"]
    for bad in ("pdf", "vcf", ""):
        response = await client.get(_url(event_id), params={"format": bad})
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["errors"][0]["parameter"] == "format"


async def test_viewers_cannot_export(viewer, admin):
    event_id = (await make_event(admin, name=SUMMIT))["id"]
    response = await viewer.get(_url(event_id))
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert (await admin.get(_url(event_id))).status_code == 200


async def test_each_export_is_audited_with_its_format_filter_and_row_count(client):
    event_id = (await make_event(client, name=SUMMIT))["id"]
    for name, status in [("A", "planned"), ("B", "sent")]:
        contact = await make_contact(client, full_name=name)
        await make_invitation(client, event_id, contact["id"], status=status)

    assert (await client.get(_url(event_id), params={"format": "xlsx"})).status_code == 200
    assert (await client.get(_url(event_id), params={"status": "sent"})).status_code == 200

    exports = await audit_entries(client, "invitation", action="export")
    entries = [(e["actor"], e["action"], e["entity_id"], e["changes"]) for e in exports]
    assert entries == [
        ("editor", "export", event_id, {"format": "csv", "filters": {"status": "sent"}, "rows": 1}),
        ("editor", "export", event_id, {"format": "xlsx", "filters": {}, "rows": 2}),
    ]


async def test_refused_exports_are_not_audited(client, viewer, app):
    event_id = (await make_event(client, name=SUMMIT))["id"]
    await viewer.get(_url(event_id))
    await client.get(_url(event_id), params={"format": "pdf"})
    await client.get(_url(event_id + 1000))
    assert await audit_entries(client, "invitation", action="export") == []


async def test_file_name_keeps_any_script_in_its_rfc_5987_form(client):
    event_id = (await make_event(client, name="臺北智慧城市展 2025", starts_on="2025-03-18"))["id"]
    response = await client.get(_url(event_id))
    readable = "臺北智慧城市展-2025-2025-03-18-invitations.csv"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="event-{event_id}-2025-03-18-invitations.csv"; '
        f"filename*=UTF-8''{quote(readable)}"
    )

    event_id = (await make_event(client, name="Forum de Chișinău", starts_on=None))["id"]
    response = await client.get(_url(event_id), params={"format": "xlsx"})
    assert response.headers["content-disposition"] == (
        'attachment; filename="forum-de-chisinau-invitations.xlsx"; '
        f"filename*=UTF-8''{quote('forum-de-chișinău-invitations.xlsx')}"
    )

    event_id = (await make_event(client, name="臺北", starts_on=None))["id"]
    response = await client.get(_url(event_id))
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="event-{event_id}-invitations.csv"; filename*='
    )


@pytest.mark.parametrize("sheet_format", ["xlsx", "ods"])
async def test_a_sheet_refuses_more_rows_than_it_holds(client, monkeypatch, sheet_format):
    monkeypatch.setattr(formats, f"{sheet_format.upper()}_MAX_ROWS", 3)  # a header, two rows
    event_id = (await make_event(client, name=SUMMIT))["id"]
    for name in ("A", "B"):
        contact = await make_contact(client, full_name=name)
        await make_invitation(client, event_id, contact["id"])
    assert (await client.get(_url(event_id), params={"format": sheet_format})).status_code == 200

    contact = await make_contact(client, full_name="C")
    await make_invitation(client, event_id, contact["id"])
    response = await client.get(_url(event_id), params={"format": sheet_format})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "CSV" in response.json()["detail"]
    assert (await client.get(_url(event_id), params={"format": "csv"})).status_code == 200
    exports = await audit_entries(client, "invitation", action="export")
    assert [entry["changes"]["format"] for entry in exports] == ["csv", sheet_format]
