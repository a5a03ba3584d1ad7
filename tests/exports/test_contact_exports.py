import pytest

from app.clock import DEFAULT_TIME_ZONE, date_in
from tests.exports.reading import ODS, sheet_rows
from tests.factories import make_city, make_contact, make_organization
from tests.problems import PROBLEM_JSON
from tests.reading import csv_rows, vcards, xlsx_rows

URL = "/api/v1/contacts/export"
HEADER = [
    "honorific",
    "full_name",
    "local_name",
    "position",
    "department",
    "organization",
    "city",
    "country",
    "email",
    "phone",
    "languages",
    "tags",
    "active",
    "source",
    "notes",
]


async def _desk(client) -> dict[str, dict]:
    """Contacts in three cities of two countries, two organizations, with tags."""
    busan = await make_city(client, name="Busan", country_code="KR")
    seoul = await make_city(client, name="Seoul", country_code="KR")
    houston = await make_city(client, name="Houston", country_code="US")
    metropolis = await make_organization(client, name="Metropolis")
    eurocities = await make_organization(client, name="Eurocities")
    kim = await make_contact(
        client,
        full_name="Kim Min-jun",
        local_name="김민준",
        honorific="Mr.",
        position="International Cooperation Officer",
        department="International Relations Division",
        city_id=busan["id"],
        organization_id=metropolis["id"],
        email="minjun.kim@busan.example",
        phone="+82 51 888 1234",
        languages=["ko", "en"],
        tags=["youth", "metropolis-course"],
        notes="Met at the 2024 course; prefers e-mail",
    )
    lee = await make_contact(
        client, full_name="Lee Seo-yeon", city_id=seoul["id"], tags=["youth"], is_active=False
    )
    smith = await make_contact(
        client, full_name="John Smith", city_id=houston["id"], organization_id=eurocities["id"]
    )
    nobody = await make_contact(client, full_name="Zoe Nowhere")
    archived = await make_contact(client, full_name="Archie Archived", city_id=busan["id"])
    assert (await client.delete(f"/api/v1/contacts/{archived['id']}")).status_code == 200
    return {
        "busan": busan,
        "metropolis": metropolis,
        "kim": kim,
        "lee": lee,
        "smith": smith,
        "nobody": nobody,
    }


def _names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row[1] for row in csv_rows(response.content)[1:]]


async def test_csv_lists_live_contacts_by_name(client):
    await _desk(client)

    response = await client.get(URL)

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    today = date_in(DEFAULT_TIME_ZONE).isoformat()
    assert response.headers["content-disposition"] == (
        f'attachment; filename="contacts-{today}.csv"'
    )
    rows = csv_rows(response.content)
    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == [
        "John Smith",
        "Kim Min-jun",
        "Lee Seo-yeon",
        "Zoe Nowhere",
    ]
    assert rows[2] == [
        "Mr.",
        "Kim Min-jun",
        "김민준",
        "International Cooperation Officer",
        "International Relations Division",
        "Metropolis",
        "Busan",
        "South Korea",
        "minjun.kim@busan.example",
        "'+82518881234",
        "ko; en",
        "youth; metropolis-course",
        "yes",
        "",
        "Met at the 2024 course; prefers e-mail",
    ]
    assert rows[3][12] == "no"


async def test_the_contacts_list_filters_apply(client):
    desk = await _desk(client)

    assert _names(await client.get(URL, params={"city_id": desk["busan"]["id"]})) == ["Kim Min-jun"]
    organization_id = desk["metropolis"]["id"]
    assert _names(await client.get(URL, params={"organization_id": organization_id})) == [
        "Kim Min-jun"
    ]
    assert _names(await client.get(URL, params={"tag": "youth"})) == [
        "Kim Min-jun",
        "Lee Seo-yeon",
    ]
    assert _names(await client.get(URL, params={"is_active": False})) == ["Lee Seo-yeon"]
    assert _names(await client.get(URL, params={"country_code": "kr"})) == [
        "Kim Min-jun",
        "Lee Seo-yeon",
    ]
    assert _names(await client.get(URL, params={"q": "민준"})) == ["Kim Min-jun"]
    assert _names(await client.get(URL, params={"q": "SMITH"})) == ["John Smith"]
    assert _names(await client.get(URL, params={"include_archived": True})) == [
        "Archie Archived",
        "John Smith",
        "Kim Min-jun",
        "Lee Seo-yeon",
        "Zoe Nowhere",
    ]
    both = {"country_code": "KR", "is_active": True, "format": "xlsx"}
    response = await client.get(URL, params=both)
    assert [row[1] for row in xlsx_rows(response.content)[1:]] == ["Kim Min-jun"]


@pytest.mark.parametrize("export_format", ["xlsx", "ods"])
async def test_sheets_keep_phones_leading_zeros_and_names_as_typed(client, export_format):
    taipei = await make_city(client, name="臺北", country_code="TW")
    await make_contact(
        client,
        full_name="Chen Yi-ting",
        local_name="陳怡婷",
        city_id=taipei["id"],
        phone="+886 2 2720 8889",
        department="007",
        notes="=HYPERLINK(1)",
    )
    await _desk(client)

    response = await client.get(URL, params={"format": export_format})

    assert response.status_code == 200, response.text
    media_type = ODS if export_format == "ods" else "application/vnd.openxmlformats"
    assert response.headers["content-type"].startswith(media_type)
    today = date_in(DEFAULT_TIME_ZONE).isoformat()
    assert response.headers["content-disposition"] == (
        f'attachment; filename="contacts-{today}.{export_format}"'
    )
    rows = sheet_rows(response.content, export_format)  # every cell text: "@" in XLSX
    assert rows[0] == HEADER
    chen = next(row for row in rows if row[1] == "Chen Yi-ting")
    assert chen[2] == "陳怡婷" and chen[6] == "臺北" and chen[7] == "Taiwan"
    assert chen[9] == "+886227208889" and chen[4] == "007"
    assert chen[14] == "=HYPERLINK(1)"  # a text cell: shown, never run
    assert [row[1] for row in rows[1:]] == [
        "Chen Yi-ting",
        "John Smith",
        "Kim Min-jun",
        "Lee Seo-yeon",
        "Zoe Nowhere",
    ]
    assert next(row for row in rows if row[1] == "Kim Min-jun")[2] == "김민준"


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "ods", "vcf"])
async def test_a_filter_that_matches_nothing_gives_an_empty_file(client, export_format):
    await make_contact(client, full_name="Kadri Tamm")

    response = await client.get(URL, params={"format": export_format, "tag": "nobody-has-it"})

    assert response.status_code == 200
    if export_format == "csv":
        assert csv_rows(response.content) == [HEADER]
    elif export_format in ("xlsx", "ods"):
        assert sheet_rows(response.content, export_format) == [HEADER]
    else:
        assert response.content == b""


async def test_vcards_parse_back_with_every_field(client):
    desk = await _desk(client)
    await make_contact(
        client,
        full_name="Chloé Lefèvre; Jr, \\ the 2nd",
        notes="Two lines:\nsecond one, with a comma; and a semicolon",
    )

    response = await client.get(URL, params={"format": "vcf"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/vcard; charset=utf-8"
    assert response.headers["content-disposition"].endswith('.vcf"')
    body = response.content
    assert body.count(b"\n") == body.count(b"\r\n") > 0  # CRLF line endings only
    cards = {card.fn.value: card for card in vcards(body)}
    assert sorted(cards) == sorted(
        [
            "Chloé Lefèvre; Jr, \\ the 2nd",
            "John Smith",
            "Kim Min-jun",
            "Lee Seo-yeon",
            "Zoe Nowhere",
        ]
    )
    kim = cards["Kim Min-jun"]
    assert kim.version.value == "3.0"
    assert kim.uid.value == f"contact-{desk['kim']['id']}@diplomacy-crm"
    assert kim.n.value.given == "Kim Min-jun" and kim.n.value.prefix == "Mr."
    assert kim.nickname.value == "김민준"
    assert kim.org.value == ["Metropolis", "International Relations Division"]
    assert kim.title.value == "International Cooperation Officer"
    assert kim.email.value == "minjun.kim@busan.example"
    assert kim.tel.value == "+82518881234"
    assert kim.adr.value.city == "Busan" and kim.adr.value.country == "South Korea"
    assert kim.note.value == "Met at the 2024 course; prefers e-mail"
    assert kim.categories.value == ["youth", "metropolis-course"]

    chloe = cards["Chloé Lefèvre; Jr, \\ the 2nd"]
    assert chloe.note.value == "Two lines:\nsecond one, with a comma; and a semicolon"
    assert not hasattr(chloe, "adr") and not hasattr(chloe, "email")
    # A bare contact is still a valid card.
    assert cards["Zoe Nowhere"].n.value.given == "Zoe Nowhere"


async def test_control_characters_in_a_vcard_are_dropped(client):
    await make_contact(client, full_name="Kadri Tamm", notes="bell\x07 escape\x1b end")
    response = await client.get(URL, params={"format": "vcf"})
    assert response.status_code == 200
    (card,) = vcards(response.content)
    assert card.note.value == "bell escape end"


async def test_bad_format_or_filter_is_422(client):
    for params in (
        {"format": "pdf"},
        {"format": "VCF"},
        {"country_code": "XX"},
        {"city_id": 0},
        {"is_active": "perhaps"},
    ):
        response = await client.get(URL, params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM_JSON
        (name,) = params
        assert response.json()["errors"][0]["parameter"] == name


async def test_export_is_not_taken_for_a_contact_id(client):
    contact = await make_contact(client)
    assert (await client.get(URL)).headers["content-type"].startswith("text/csv")
    assert (await client.get(f"/api/v1/contacts/{contact['id']}")).status_code == 200


async def test_viewers_cannot_export_contacts(viewer, admin):
    response = await viewer.get(URL, params={"format": "vcf"})
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert (await admin.get(URL, params={"format": "vcf"})).status_code == 200


async def test_contact_exports_are_audited_without_a_record_id(client):
    await _desk(client)

    response = await client.get(URL, params={"format": "vcf", "country_code": "kr"})
    assert response.status_code == 200
    assert (await client.get(URL, params={"include_archived": True})).status_code == 200

    page = (await client.get("/api/v1/audit", params={"entity": "contact"})).json()
    exports = [
        (e["actor"], e["entity_id"], e["changes"]) for e in page["items"] if e["action"] == "export"
    ]
    assert exports == [
        ("editor", None, {"format": "csv", "filters": {"include_archived": True}, "rows": 5}),
        ("editor", None, {"format": "vcf", "filters": {"country_code": "KR"}, "rows": 2}),
    ]
