"""Editing, archiving and restoring a city without a browser."""

import re

from tests.factories import make_city, make_contact, make_partnership
from tests.web.conftest import csrf_of, web_sign_in


async def test_an_editor_edits_a_city_and_a_stale_form_is_refused_humanely(web, client) -> None:
    busan = await make_city(client, name="Pusan", country_code="KR")
    await web_sign_in(web, "editor")
    form = await web.get(f"/cities/{busan['id']}/edit")
    assert form.status_code == 200
    assert 'value="Pusan"' in form.text
    saved = await web.post(
        f"/cities/{busan['id']}/edit",
        data={
            "csrf_token": csrf_of(form.text),
            "version": str(busan["version"]),
            "name": "Busan",
            "alternate_names": "부산\n釜山",
            "country_code": "KR",
            "region": "Gyeongsang",
        },
    )
    assert saved.status_code == 303, saved.text
    city = (await client.get(f"/api/v1/cities/{busan['id']}")).json()
    assert (city["name"], city["alternate_names"], city["region"]) == (
        "Busan",
        ["부산", "釜山"],
        "Gyeongsang",
    )

    stale = await web.post(
        f"/cities/{busan['id']}/edit",
        data={
            "csrf_token": csrf_of(form.text),
            "version": str(busan["version"]),
            "name": "Busan Metropolitan City",
            "country_code": "KR",
        },
    )
    assert stale.status_code == 409
    assert "Someone changed this city since you opened the form" in stale.text
    assert 'value="Busan Metropolitan City"' in stale.text  # nothing typed is lost
    assert f'name="version" value="{city["version"]}"' in stale.text

    blank = await web.post(
        f"/cities/{busan['id']}/edit",
        data={"csrf_token": csrf_of(form.text), "version": str(city["version"]), "name": ""},
    )
    assert blank.status_code == 422


async def test_archiving_a_city_with_contacts_asks_to_archive_them_too(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    contact = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    await make_partnership(client, busan["id"], kind="sister_city")
    await web_sign_in(web, "editor")
    page = await web.get(f"/cities/{busan['id']}")
    assert f'action="/cities/{busan["id"]}/edit"' not in page.text
    assert f'href="/cities/{busan["id"]}/edit"' in page.text
    token = csrf_of(page.text)

    refused = await web.post(f"/cities/{busan['id']}/archive", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Busan was not archived" in refused.text
    assert "Kim Min-jun" in refused.text and f"/contacts/{contact['id']}" in refused.text
    assert "Sister city" in refused.text
    assert "Archive them too, with the city" in refused.text
    assert (await client.get(f"/api/v1/cities/{busan['id']}")).json()["archived_at"] is None

    archived = await web.post(
        f"/cities/{busan['id']}/archive", data={"csrf_token": token, "cascade": "true"}
    )
    assert archived.status_code == 303
    assert (await client.get(f"/api/v1/cities/{busan['id']}")).json()["archived_at"]
    assert (await client.get(f"/api/v1/contacts/{contact['id']}")).json()["archived_at"]
    page = await web.get(f"/cities/{busan['id']}")
    assert f'action="/cities/{busan["id"]}/restore"' in page.text

    restored = await web.post(f"/cities/{busan['id']}/restore", data={"csrf_token": token})
    assert restored.status_code == 303
    assert (await client.get(f"/api/v1/cities/{busan['id']}")).json()["archived_at"] is None


async def test_a_city_without_contacts_is_archived_at_once(web, client) -> None:
    houston = await make_city(client)
    await web_sign_in(web, "editor")
    page = await web.get(f"/cities/{houston['id']}")
    response = await web.post(
        f"/cities/{houston['id']}/archive", data={"csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 303
    assert (await client.get(f"/api/v1/cities/{houston['id']}")).json()["archived_at"]


async def test_a_viewer_cannot_edit_archive_or_restore_a_city(web, client) -> None:
    houston = await make_city(client)
    await web_sign_in(web, "viewer")
    page = await web.get(f"/cities/{houston['id']}")
    assert f"/cities/{houston['id']}/edit" not in page.text
    assert "/archive" not in page.text
    token = csrf_of(page.text)
    assert (await web.get(f"/cities/{houston['id']}/edit")).status_code == 403
    for action in ("edit", "archive", "restore"):
        response = await web.post(
            f"/cities/{houston['id']}/{action}", data={"csrf_token": token, "name": "X"}
        )
        assert response.status_code == 403, action


async def test_the_city_forms_in_chinese(web, client) -> None:
    houston = await make_city(client)
    await make_contact(client, city_id=houston["id"])
    token = await web_sign_in(web, "editor")
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    form = await web.get(f"/cities/{houston['id']}/edit")
    assert "編輯 Houston" in form.text and "儲存城市" in form.text
    page = await web.get(f"/cities/{houston['id']}")
    refused = await web.post(
        f"/cities/{houston['id']}/archive", data={"csrf_token": csrf_of(page.text)}
    )
    assert "連同城市一併封存它們" in refused.text


async def test_the_menu_and_the_city_page_s_small_things(web, client) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    osaka = await make_city(client, name="Osaka", country_code="JP")
    await make_partnership(client, busan["id"], kind="sister_city", signed_on="1966-06-15")
    await client.post(
        "/api/v1/interactions",
        json={
            "kind": "meeting",
            "occurred_on": "2025-11-01",
            "title": "Three cities",
            "city_ids": [busan["id"], osaka["id"]],
        },
    )
    await web_sign_in(web, "viewer")
    page = await web.get(f"/cities/{busan['id']}")
    nav = page.text[page.text.index('id="site-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert nav.index('href="/contacts"') < nav.index('href="/organizations"')
    assert re.search(r"\d{4} ·\s*<span[^>]*>\d+ years", page.text)
    timeline = await web.get(f"/timeline/city/{busan['id']}", headers={"HX-Request": "true"})
    assert "Three cities" in timeline.text
    assert f'href="/cities/{osaka["id"]}"' in timeline.text
    assert f'href="/cities/{busan["id"]}"' not in timeline.text
