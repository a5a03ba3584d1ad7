"""The history: only the fields a person edits, called as the forms call them; a full page
when opened directly."""

from tests.factories import make_city, make_contact
from tests.web.conftest import web_sign_in

HTMX = {"HX-Request": "true"}


async def test_the_history_shows_edited_fields_only_with_the_forms_labels(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    contact = await make_contact(
        client, full_name="Kim", email="kim@busan.go.kr", city_id=busan["id"], tags=["mayor"]
    )
    await client.patch(
        f"/api/v1/contacts/{contact['id']}",
        json={"tags": ["mayor", "youth"], "phone": "+82 51 888 1234 ext. 56"},
        headers={"If-Match": f'"{contact["version"]}"'},
    )
    await client.patch(
        f"/api/v1/cities/{busan['id']}",
        json={"alternate_names": ["부산", "釜山"]},
        headers={"If-Match": f'"{busan["version"]}"'},
    )
    token = await web_sign_in(web, "editor")
    history = (await web.get(f"/history/contact/{contact['id']}", headers=HTMX)).text
    for hidden in ("email key", "email_key", "name key", "search text", "version", "updated"):
        assert hidden not in history.lower(), hidden
    assert "Country:" not in history  # a contact's country follows its city
    assert "E-mail:" in history and "Full name:" in history
    assert "mayor, youth" in history
    assert "+82 51-888-1234 ext. 56" in history
    city_history = (await web.get(f"/history/city/{busan['id']}", headers=HTMX)).text
    assert "Alternate names:" in city_history and "other names" not in city_history
    assert "City name:" in city_history
    assert "부산, 釜山" in city_history

    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    history = (await web.get(f"/history/contact/{contact['id']}", headers=HTMX)).text
    assert "mayor、youth" in history
    assert "分機 56" in history


async def test_the_history_opened_directly_is_a_whole_page(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await web_sign_in(web, "editor")
    fragment = await web.get(f"/history/city/{busan['id']}", headers=HTMX)
    assert "<html" not in fragment.text
    page = await web.get(f"/history/city/{busan['id']}")
    assert page.status_code == 200
    assert "<html" in page.text and "<h1>History</h1>" in page.text
    assert f'<a href="/cities/{busan["id"]}">Back to the record</a>' in page.text
