"""The contacts pages' phone numbers, empty cells, sort and conflict screen."""

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
