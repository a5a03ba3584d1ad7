"""Phone numbers keep their extension (stored as E.164 with RFC 3966's ``;ext=``), and a
number without its country code is read in the country of the contact's city."""

import pytest

from tests.factories import make_city, make_contact
from tests.problems import assert_field_error
from tests.reading import csv_rows, vcards


@pytest.mark.parametrize(
    "written",
    [
        "+886 2 2720 8889 ext. 1234",
        "+886 2 2720 8889 #1234",
        "+886 2 2720 8889 分機 1234",
        "+886-2-2720-8889 x1234",
        "+886 2 2720 8889 分機：1234",
    ],
)
async def test_extensions_are_kept(client, written):
    contact = await make_contact(client, phone=written)
    assert contact["phone"] == "+886227208889;ext=1234"


async def test_an_extension_is_exported_with_the_number(client):
    await make_contact(client, full_name="Lin Mei", phone="+886 2 2720 8889 ext. 1234")
    response = await client.get("/api/v1/contacts/export", params={"format": "csv"})
    header, row = csv_rows(response.content)
    # (A leading + is guarded in CSV, like any cell a spreadsheet could run as a formula.)
    assert row[header.index("phone")] == "'+886227208889;ext=1234"
    response = await client.get("/api/v1/contacts/export", params={"format": "vcf"})
    [card] = vcards(response.content)
    assert card.tel.value == "+886227208889 ext. 1234"
    assert b"TEL;TYPE=WORK:+886227208889 ext. 1234\r\n" in response.content


async def test_a_national_number_is_read_in_the_country_of_the_contacts_city(client):
    taipei = await make_city(client, name="Taipei", country_code="TW")
    busan = await make_city(client, name="Busan", country_code="KR")
    contact = await make_contact(client, city_id=taipei["id"], phone="02 2725 6113")
    assert contact["phone"] == "+886227256113"
    contact = await make_contact(client, city_id=taipei["id"], phone="(02) 2725-6113 分機 88")
    assert contact["phone"] == "+886227256113;ext=88"
    # On a change, the city the contact is given (or already has) decides.
    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"city_id": busan["id"], "phone": "051 888 1234"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "+82518881234"
    response = await client.patch(
        f"/api/v1/contacts/{contact['id']}", json={"phone": "02 123 4567"}
    )
    assert response.json()["phone"] == "+8221234567"


async def test_the_error_hint_uses_the_country_of_the_contacts_city(client):
    busan = await make_city(client, name="Busan", country_code="KR")
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "Kim", "city_id": busan["id"], "phone": "12"}
    )
    body = assert_field_error(response, "phone")
    assert "+82" in body["detail"] and "KR" in body["detail"]
    # Without a city there is no country to read it in.
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "Kim", "phone": "02 2725 6113"}
    )
    body = assert_field_error(response, "phone")
    assert "country code" in body["detail"]
    assert (await client.get("/api/v1/contacts")).json()["total"] == 0


async def test_an_overlong_extension_is_refused(client):
    response = await client.post(
        "/api/v1/contacts", json={"full_name": "X", "phone": "+886 2 2720 8889 ext. 12345678901"}
    )
    assert_field_error(response, "phone")
