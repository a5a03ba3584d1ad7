"""The contacts pages' phone numbers, empty cells, sort and conflict screen."""

import re

from tests.factories import make_contact
from tests.web.conftest import web_sign_in


async def test_phones_are_shown_as_people_write_them(web, client) -> None:
    contact = await make_contact(client, full_name="Kim Min-jun", phone="+82 51 888 1234 ext. 56")
    assert contact["phone"] == "+82518881234;ext=56"
    token = await web_sign_in(web, "viewer")
    page = await web.get(f"/contacts/{contact['id']}")
    assert "+82 51-888-1234 ext. 56" in page.text
    assert ">+82518881234;ext=56<" not in page.text
    listed = await web.get("/contacts")
    assert "+82 51-888-1234 ext. 56" in listed.text
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    page = await web.get(f"/contacts/{contact['id']}")
    assert "+82 51-888-1234 分機 56" in page.text


async def test_empty_cells_of_the_list_show_a_dash(web, client) -> None:
    await make_contact(client, full_name="Kadri Tamm")
    await web_sign_in(web, "viewer")
    listed = await web.get("/contacts")
    assert '<td data-label="Position">—</td>' in listed.text
    assert '<td data-label="Phone">—</td>' in listed.text


async def test_an_unknown_sort_is_refused_with_a_message(web, client) -> None:
    await make_contact(client)
    await web_sign_in(web, "viewer")
    response = await web.get("/contacts", params={"sort": "colour"})
    assert response.status_code == 422
    assert "This list cannot be sorted by “colour”" in response.text


async def test_the_conflict_screen_says_who_changed_the_contact_and_when(web, client) -> None:
    contact = await make_contact(client, full_name="Marie Dubois", position="Adviser")
    token = await web_sign_in(web, "editor")
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"position": "Director"})
    trail = await client.get(
        "/api/v1/audit", params={"entity": "contact", "entity_id": contact["id"]}
    )
    actor = trail.json()["items"][0]["actor"]
    response = await web.post(
        f"/contacts/{contact['id']}/edit",
        data={"csrf_token": token, "version": "1", "full_name": "Marie", "position": "Adviser"},
    )
    assert response.status_code == 409
    assert re.search(rf"<strong>{actor} changed it at [^<]*\d:\d\d", response.text), response.text
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    response = await web.post(
        f"/contacts/{contact['id']}/edit",
        data={"csrf_token": token, "version": "1", "full_name": "Marie", "position": "Adviser"},
    )
    assert f"{actor} 於 " in response.text and "修改了這筆資料" in response.text
