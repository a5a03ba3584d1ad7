"""The exports the web app gives people: headers, statuses and sheet names in the reader's
language (through the services, as the web pages call them), while the API's stay as they
are."""

import io
from datetime import date

import openpyxl
import pytest

from app.contacts.schemas import ContactFilters
from app.exports import service as exports_service
from app.exports.schemas import ExportFormat, TableFormat
from app.invitations.models import InvitationStatus
from app.invitations.schemas import EventInvitationFilters
from tests.exports.reading import NS, ods_parts, sheet_rows, zh_gettext
from tests.factories import make_city, make_contact, make_event, make_invitation
from tests.reading import csv_rows

ZH_INVITATION_HEADER = [
    "稱謂",
    "姓名",
    "當地文字姓名",
    "職稱",
    "機關／組織",
    "城市",
    "國家",
    "電子郵件",
    "電話",
    "語言",
    "狀態",
    "預定寄送日",
    "備註",
]
ZH_COUNTRIES = {"TW": "臺灣", "KR": "南韓"}


def _zh_labels() -> exports_service.Labels:
    return exports_service.people_labels(
        zh_gettext(), country_name=lambda code: ZH_COUNTRIES.get(code or "", code)
    )


async def _content(export: exports_service.Export) -> bytes:
    return b"".join([chunk async for chunk in export.body()])


def _rows(content: bytes, export_format: str) -> list[list]:
    return csv_rows(content) if export_format == "csv" else sheet_rows(content, export_format)


async def _summit(client) -> int:
    taipei = await make_city(client, name="臺北", country_code="TW")
    busan = await make_city(client, name="Busan", country_code="KR")
    event_id = (await make_event(client, name="臺北智慧城市展"))["id"]
    for full_name, local_name, city, status in [
        ("Chen Yi-ting", "陳怡婷", taipei, "sent"),
        ("Kim Min-jun", "김민준", busan, "attended"),
        ("Lin Wei", None, None, "no_show"),
    ]:
        contact = await make_contact(
            client,
            full_name=full_name,
            local_name=local_name,
            city_id=city["id"] if city else None,
            phone="+886 2 2720 8889",
        )
        await make_invitation(client, event_id, contact["id"], status=status)
    return event_id


async def _invitations(app, event_id: int, export_format: str, **labels) -> bytes:
    database = app.state.database
    async with database.write_sessionmaker() as session, session.begin():
        export = await exports_service.export_invitations(
            session,
            engine=database.snapshot_engine,
            event_id=event_id,
            format=TableFormat(export_format),
            filters=EventInvitationFilters(),
            actor="editor",
            **labels,
        )
    return await _content(export)


@pytest.mark.parametrize("export_format", ["xlsx", "ods", "csv"])
async def test_an_invitation_list_for_people_speaks_traditional_chinese(app, client, export_format):
    event_id = await _summit(client)

    content = await _invitations(app, event_id, export_format, labels=_zh_labels())

    rows = _rows(content, export_format)
    assert rows[0] == ZH_INVITATION_HEADER
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Chen Yi-ting"][2] == "陳怡婷"
    assert by_name["Chen Yi-ting"][5:7] == ["臺北", "臺灣"]
    assert by_name["Kim Min-jun"][6] == "南韓"
    assert [by_name[name][10] for name in sorted(by_name)] == ["已寄出", "已出席", "未出席"]
    phone = "'+886227208889" if export_format == "csv" else "+886227208889"
    assert {row[8] for row in rows[1:]} == {phone}
    if export_format == "ods":
        table = ods_parts(content)["content.xml"].find(".//table:table", NS)
        assert table.get(f"{{{NS['table']}}}name") == "邀請"
    elif export_format == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(content)).active.title == "邀請"


async def test_english_labels_for_people_and_the_apis_names_by_default(app, client):
    event_id = await _summit(client)

    english = exports_service.people_labels(lambda message: message)
    rows = _rows(await _invitations(app, event_id, "ods", labels=english), "ods")
    assert rows[0][:3] == ["Honorific", "Name", "Name in local script"]
    assert rows[0][10:12] == ["Status", "Send on"]
    assert sorted(row[10] for row in rows[1:]) == ["Attended", "Did not come", "Sent"]
    assert "Taiwan" in {row[6] for row in rows[1:]}

    # Without labels, what API clients rely on: field names and codes.
    rows = _rows(await _invitations(app, event_id, "ods"), "ods")
    assert rows[0][:2] == ["honorific", "full_name"]
    assert sorted(row[10] for row in rows[1:]) == ["attended", "no_show", "sent"]


@pytest.mark.parametrize("export_format", ["xlsx", "ods"])
async def test_a_contact_list_for_people_speaks_traditional_chinese(app, client, export_format):
    await _summit(client)
    database = app.state.database
    async with database.write_sessionmaker() as session, session.begin():
        export = await exports_service.export_contacts(
            session,
            engine=database.snapshot_engine,
            format=ExportFormat(export_format),
            filters=ContactFilters(),
            today=date(2026, 12, 2),
            actor="editor",
            labels=_zh_labels(),
        )
    rows = sheet_rows(await _content(export), export_format)
    assert rows[0] == [
        "稱謂",
        "姓名",
        "當地文字姓名",
        "職稱",
        "部門",
        "機關／組織",
        "城市",
        "國家",
        "電子郵件",
        "電話",
        "語言",
        "標籤",
        "有效",
        "來源",
        "備註",
    ]
    assert {row[12] for row in rows[1:]} == {"是"}


def test_every_label_for_people_has_its_traditional_chinese():
    gettext = zh_gettext()  # fails on a label the catalog does not translate
    labels = exports_service.people_labels(gettext)
    columns = {*exports_service.CONTACT_COLUMNS, *exports_service.INVITATION_COLUMNS}
    assert {column.key for column in columns} <= set(labels.headers)
    assert set(labels.values["status"]) == {status.value for status in InvitationStatus}
    assert labels.sheet_titles == {"contacts": "聯絡人", "invitations": "邀請"}
