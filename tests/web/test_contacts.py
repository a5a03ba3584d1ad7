"""Contacts in the web app, without a browser: the list and its filters, the forms with their
inline errors, a stale save, archive and restore, and the roles."""

import html
import re

import httpx

from tests.factories import make_city, make_contact, make_organization
from tests.web.conftest import web_sign_in


def form(token: str, **fields: object) -> dict[str, object]:
    return {"csrf_token": token, **fields}


async def test_list_filters_and_sorts(web: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    brussels = await make_city(client, name="Brussels", country_code="BE")
    un = await make_organization(client, name="UCLG", kind="city_network")
    await make_contact(
        client, full_name="Kim Min-jun", local_name="김민준", city_id=busan["id"], tags=["mayor"]
    )
    await make_contact(
        client, full_name="Marie Dubois", city_id=brussels["id"], organization_id=un["id"]
    )
    await web_sign_in(web, "viewer")
    page = await web.get("/contacts")
    assert page.status_code == 200
    assert "Kim Min-jun" in page.text and "김민준" in page.text and "Marie Dubois" in page.text
    assert "New contact" not in page.text  # a viewer adds nobody
    page = await web.get("/contacts", params={"country_code": "KR", "city": "", "q": ""})
    assert "Kim Min-jun" in page.text and "Marie Dubois" not in page.text
    page = await web.get("/contacts", params={"organization_id": un["id"]})
    assert "Marie Dubois" in page.text and "Kim Min-jun" not in page.text
    assert 'value="UCLG"' in page.text  # the filter shows the organization by name
    page = await web.get("/contacts", params={"city": "Brussels (Belgium)"})
    assert "Marie Dubois" in page.text and "Kim Min-jun" not in page.text
    page = await web.get("/contacts", params={"city": "Atlantis"})
    assert "No city is called “Atlantis”" in page.text
    page = await web.get("/contacts", params={"tag": "mayor", "sort": "-updated"})
    assert "Kim Min-jun" in page.text and "Marie Dubois" not in page.text
    page = await web.get("/contacts", params={"sort": "-name"})
    assert page.text.index("Marie Dubois") < page.text.index("Kim Min-jun")
    page = await web.get("/contacts", params={"q": "김민"})
    assert "Kim Min-jun" in page.text and "Marie Dubois" not in page.text
    page = await web.get("/contacts", params={"tag": "x" * 300})
    assert page.status_code == 200 and "Some filters are not valid" in page.text
    page = await web.get("/contacts", params={"sort": "bogus"})
    assert page.status_code == 422 and "cannot be sorted by “bogus”" in page.text
    assert (await web.get("/contacts", params={"colour": "red"})).status_code == 422


async def test_create_with_a_bad_phone_keeps_what_was_typed(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await make_city(client, name="Busan", country_code="KR")
    token = await web_sign_in(web, "editor")
    fields = form(
        token,
        full_name="Kim Min-jun",
        local_name="김민준",
        city="Busan",
        phone="12",
        languages=["ko", "English, 日文"],
        tags="mayor, smart city",
        notes="Met at the expo",
    )
    response = await web.post("/contacts/new", data=fields)
    assert response.status_code == 422
    assert "This is not a valid phone number in South Korea" in response.text
    assert 'value="김민준"' in response.text and "Met at the expo" in response.text
    assert 'name="languages" value="ja"' in response.text  # 日文 read as Japanese
    assert 'name="tags" value="smart city"' in response.text
    fields["phone"] = "051 888 1234"
    response = await web.post("/contacts/new", data=fields)
    assert response.status_code == 303, response.text
    contact = (await client.get(response.headers["location"].replace("/", "/api/v1/", 1))).json()
    assert contact["phone"] == "+82518881234"
    assert contact["languages"] == ["ko", "en", "ja"]
    assert contact["tags"] == ["mayor", "smart city"]


async def test_chip_buttons_work_without_javascript(web: httpx.AsyncClient) -> None:
    token = await web_sign_in(web, "editor")
    response = await web.post(
        "/contacts/new",
        data=form(token, full_name="A", languages=["ko", "fr"], _chip="remove:languages:ko"),
    )
    assert response.status_code == 200
    assert 'name="languages" value="fr"' in response.text
    assert 'name="languages" value="ko"' not in response.text
    response = await web.post(
        "/contacts/new", data=form(token, full_name="A", languages=["xx-unknown"])
    )
    assert response.status_code == 422
    assert "We do not know the language" in response.text


async def test_stale_edit_shows_both_versions_and_reapplies(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    contact = await make_contact(client, full_name="Marie Dubois", position="Adviser")
    token = await web_sign_in(web, "editor")
    edit = await web.get(f"/contacts/{contact['id']}/edit")
    assert 'name="version" value="1"' in edit.text
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"position": "Director"})
    mine = form(token, version="1", full_name="Marie Dubois-Martin", position="Adviser")
    response = await web.post(f"/contacts/{contact['id']}/edit", data=mine)
    assert response.status_code == 409
    assert "Someone changed this contact since you opened it" in response.text
    assert "Director" in response.text and "Marie Dubois-Martin" in response.text
    assert 'name="version" value="2"' in response.text
    mine["version"] = "2"
    response = await web.post(f"/contacts/{contact['id']}/edit", data=mine)
    assert response.status_code == 303
    saved = (await client.get(f"/api/v1/contacts/{contact['id']}")).json()
    assert saved["full_name"] == "Marie Dubois-Martin" and saved["position"] == "Adviser"


async def test_reapplying_keeps_their_changes_to_fields_i_did_not_touch(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    contact = await make_contact(client, full_name="Marie Dubois", position="Adviser")
    token = await web_sign_in(web, "editor")
    edit = await web.get(f"/contacts/{contact['id']}/edit")
    original = re.search(r'name="_original" value="([^"]+)"', edit.text)
    assert original
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"position": "Director"})
    mine = form(
        token,
        version="1",
        _original=html.unescape(original.group(1)),
        full_name="Marie Dubois-Martin",
        position="Adviser",
    )
    conflict = await web.post(f"/contacts/{contact['id']}/edit", data=mine)
    assert conflict.status_code == 409 and "your change" in conflict.text
    reapply = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', conflict.text))
    reapply = {k: html.unescape(v) for k, v in reapply.items()}
    assert reapply["position"] == "Director" and reapply["full_name"] == "Marie Dubois-Martin"
    response = await web.post(f"/contacts/{contact['id']}/edit", data=reapply)
    assert response.status_code == 303, response.text
    saved = (await client.get(f"/api/v1/contacts/{contact['id']}")).json()
    assert saved["full_name"] == "Marie Dubois-Martin" and saved["position"] == "Director"


async def test_archive_restore_and_history(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    contact = await make_contact(client, full_name="A")
    await client.patch(f"/api/v1/contacts/{contact['id']}", json={"full_name": "B"})
    token = await web_sign_in(web, "editor")
    response = await web.post(f"/contacts/{contact['id']}/archive", data=form(token))
    assert response.status_code == 303
    page = await web.get(f"/contacts/{contact['id']}")
    assert "Archived" in page.text and "Restore" in page.text
    history = await web.get(f"/history/contact/{contact['id']}")
    assert 'Full name: <span class="old">A</span> → <span class="new">B</span>' in history.text
    assert "archived this record" in history.text
    response = await web.post(f"/contacts/{contact['id']}/restore", data=form(token))
    assert response.status_code == 303
    assert (await client.get(f"/api/v1/contacts/{contact['id']}")).json()["archived_at"] is None


async def test_a_viewer_reads_but_does_not_change(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    contact = await make_contact(client, full_name="Kim")
    token = await web_sign_in(web, "viewer")
    page = await web.get(f"/contacts/{contact['id']}")
    assert page.status_code == 200 and "Kim" in page.text
    assert "/edit" not in page.text and "Archive" not in page.text
    for path in (f"/contacts/{contact['id']}/edit", "/contacts/new"):
        assert (await web.get(path)).status_code == 403
    response = await web.post(f"/contacts/{contact['id']}/archive", data=form(token))
    assert response.status_code == 403
    response = await web.post(
        f"/contacts/{contact['id']}/edit", data=form(token, version="1", full_name="X")
    )
    assert response.status_code == 403
    # The audit trail is for editors and admins, as in the API.
    assert (await web.get(f"/history/contact/{contact['id']}")).status_code == 403
    partial = await web.get(f"/history/contact/{contact['id']}", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "shown to editors" in partial.text


async def test_edit_errors_are_inline(web: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    await make_contact(client, full_name="Marie Dubois", email="marie@example.org")
    kim = await make_contact(client, full_name="Kim", position="Director")
    token = await web_sign_in(web, "editor")
    response = await web.post(
        f"/contacts/{kim['id']}/edit",
        data=form(token, version="1", full_name="", position="Mayor"),
    )
    assert response.status_code == 422
    assert 'id="field-full_name-error">This field is required.' in response.text
    assert 'value="Mayor"' in response.text
    response = await web.post(
        f"/contacts/{kim['id']}/edit",
        data=form(token, version="1", full_name="Kim", email="MARIE@example.org"),
    )
    assert response.status_code == 422
    assert 'id="field-email-error">Another contact already has this e-mail address.' in (
        response.text
    )
    # A blank field on the edit form empties it.
    response = await web.post(
        f"/contacts/{kim['id']}/edit", data=form(token, version="1", full_name="Kim")
    )
    assert response.status_code == 303
    assert (await client.get(f"/api/v1/contacts/{kim['id']}")).json()["position"] is None


async def test_typeahead_suggests_and_resolves(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await make_city(client, name="Busan", country_code="KR", alternate_names=["釜山"])
    await make_city(client, name="Springfield", country_code="US")
    await make_city(client, name="Springfield", country_code="AU")
    await make_organization(client, name="United Cities and Local Governments", acronym="UCLG")
    token = await web_sign_in(web, "editor")
    options = await web.get("/contacts/suggest/city", params={"city": "釜山"})
    assert '<option value="Busan (South Korea)">' in options.text
    options = await web.get("/contacts/suggest/organization", params={"organization": "uclg"})
    assert "United Cities and Local Governments (UCLG)" in options.text
    response = await web.post(
        "/contacts/new", data=form(token, full_name="Homer", city="Springfield")
    )
    assert response.status_code == 422
    assert "Several cities are called “Springfield”" in response.text
    assert 'value="Springfield"' in response.text
    response = await web.post(
        "/contacts/new",
        data=form(token, full_name="Homer", city="Springfield (Australia)", organization="UCLG"),
    )
    assert response.status_code == 303
    contact = (await client.get(response.headers["location"].replace("/", "/api/v1/", 1))).json()
    assert contact["city_name"] == "Springfield" and contact["organization_name"].startswith(
        "United"
    )
