"""Organizations in the web app (list, page, create and edit with a stale save, archive and
restore, member cities, what a viewer may do), and the timeline partial."""

import html
import re

import httpx

from tests.factories import make_city, make_contact, make_interaction, make_organization
from tests.web.conftest import csrf_of, web_sign_in


async def test_list_page_and_new_form(web: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    uclg = await make_organization(
        client, name="United Cities", acronym="UCLG", kind="city_network"
    )
    await make_organization(client, name="Acme", kind="company")
    await client.post(f"/api/v1/organizations/{uclg['id']}/members", json={"city_id": busan["id"]})
    await make_contact(client, full_name="Kim Min-jun", organization_id=uclg["id"])
    token = await web_sign_in(web, "editor")
    page = await web.get("/organizations", params={"kind": "city_network", "q": ""})
    assert "United Cities" in page.text and "Acme" not in page.text
    page = await web.get(f"/organizations/{uclg['id']}")
    assert "UCLG" in page.text and "City network" in page.text
    assert "Busan" in page.text and "Kim Min-jun" in page.text
    response = await web.post(
        "/organizations/new", data={"csrf_token": token, "name": "united cities"}
    )
    assert response.status_code == 409
    assert "Another organization already has this name" in response.text
    assert f'href="/organizations/{uclg["id"]}"' in response.text
    response = await web.post(
        "/organizations/new",
        data={"csrf_token": token, "name": "Eurocities", "kind": "city_network", "website": "x"},
    )
    assert response.status_code == 422 and 'value="Eurocities"' in response.text
    response = await web.post(
        "/organizations/new", data={"csrf_token": token, "name": "Eurocities", "kind": "ngo"}
    )
    assert response.status_code == 303


async def test_timeline_partial_pages_with_more(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    kim = await make_contact(client, full_name="Kim Min-jun", city_id=busan["id"])
    for day in range(1, 23):
        await make_interaction(
            client,
            title=f"Call {day:02d}",
            occurred_on=f"2026-01-{day:02d}",
            contact_ids=[kim["id"]],
            city_ids=[busan["id"]],
        )
    await web_sign_in(web, "viewer")
    first = await web.get(f"/timeline/contact/{kim['id']}")
    assert first.status_code == 200
    assert "Call 22" in first.text and "Call 02" not in first.text
    assert f"/timeline/contact/{kim['id']}?offset=20" in first.text
    more = await web.get(f"/timeline/contact/{kim['id']}", params={"offset": 20})
    assert "Call 02" in more.text and "Call 01" in more.text and "offset=" not in more.text
    city = await web.get(f"/timeline/city/{busan['id']}")
    assert "Kim Min-jun" in city.text
    assert (await web.get("/timeline/event/1")).status_code == 400


async def test_history_of_other_records_reads_as_sentences(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    uclg = await make_organization(client, name="UCLG", kind="city_network")
    await client.post(f"/api/v1/organizations/{uclg['id']}/members", json={"city_id": busan["id"]})
    await client.patch(f"/api/v1/cities/{busan['id']}", json={"population": 3300000})
    token = await web_sign_in(web, "editor")
    history = await web.get(f"/history/organization/{uclg['id']}")
    assert "Member cities:" in history.text and "Busan" in history.text
    assert "City network" in history.text
    await web.post("/language", data={"language": "zh_Hant_TW", "next": "/", "csrf_token": token})
    history = await web.get(f"/history/city/{busan['id']}")
    assert "人口：" in history.text and "3,300,000" in history.text
    assert "國家：" in history.text and "南韓" in history.text
    assert (await web.get("/history/planet/1")).status_code == 400


def _hidden(text: str) -> dict[str, str]:
    """The hidden and text inputs of a page's forms, as a browser would send them."""
    fields = re.findall(r'<input[^>]* name="(\w+)"[^>]* value="([^"]*)"', text)
    return {name: html.unescape(value) for name, value in fields}


async def test_an_editor_edits_an_organization_and_bad_input_is_shown_inline(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_organization(client, name="ICLEI")
    metropolis = await make_organization(client, name="Metropolis", acronym="WAM")
    token = await web_sign_in(web, "editor")
    edit = await web.get(f"/organizations/{metropolis['id']}/edit")
    assert edit.status_code == 200
    assert 'value="Metropolis"' in edit.text and 'name="version" value="1"' in edit.text
    form = {
        "csrf_token": token,
        "version": "1",
        "_original": _hidden(edit.text)["_original"],
        "name": "Metropolis",
        "acronym": "WAM",
        "kind": "city_network",
        "home_membership": "member",
        "city": "Busan",
        "member_since": "1990-05-01",
        "website": "https://www.metropolis.org",
        "notes": "World Association",
    }
    # Each bad input: the form again, the message beside its field, nothing typed lost.
    for change, field_name, message, status in (
        ({"name": ""}, "name", "This field is required.", 422),
        ({"name": "iclei"}, "name", "Another organization already has this name", 409),
        ({"city": "Atlantis"}, "city", "No city is called “Atlantis”", 422),
        ({"member_since": "someday"}, "member_since", "Enter a date (YYYY-MM-DD).", 422),
        ({"website": "metropolis"}, "website", "Enter a web address", 422),
    ):
        response = await web.post(
            f"/organizations/{metropolis['id']}/edit", data={**form, **change}
        )
        assert response.status_code == status, (change, response.text)
        error = re.search(rf'id="field-{field_name}-error">([^<]*)<', response.text)
        assert error and message in error.group(1), (change, error)
        assert ">World Association</textarea>" in response.text
    unchanged = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert unchanged["version"] == 1 and unchanged["headquarters_city_id"] is None
    response = await web.post(f"/organizations/{metropolis['id']}/edit", data=form)
    assert response.status_code == 303, response.text
    saved = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert saved["headquarters_city_id"] == busan["id"]
    assert (saved["member_since"], saved["notes"]) == ("1990-05-01", "World Association")
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert "Organization saved: Metropolis" in page.text
    assert f'<a href="/cities/{busan["id"]}">Busan (South Korea)</a>' in page.text
    # The edit form shows the headquarters by its label; emptying a field empties it.
    edit = await web.get(f"/organizations/{metropolis['id']}/edit")
    assert 'value="Busan (South Korea)"' in edit.text
    response = await web.post(
        f"/organizations/{metropolis['id']}/edit",
        data={**form, **_hidden(edit.text), "csrf_token": token, "city": "", "acronym": ""},
    )
    assert response.status_code == 303, response.text
    saved = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert saved["headquarters_city_id"] is None and saved["acronym"] is None


async def test_a_stale_save_shows_both_versions_and_reapplies_mine_on_theirs(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    metropolis = await make_organization(client, name="Metropolis", notes="Old notes")
    token = await web_sign_in(web, "editor")
    edit = await web.get(f"/organizations/{metropolis['id']}/edit")
    await client.patch(
        f"/api/v1/organizations/{metropolis['id']}",
        json={"acronym": "WAM", "home_membership": "observer"},
    )
    mine = {**_hidden(edit.text), "csrf_token": token, "name": "Metropolis", "notes": "Mine"}
    mine.update(kind="city_network", home_membership="member")
    conflict = await web.post(f"/organizations/{metropolis['id']}/edit", data=mine)
    assert conflict.status_code == 409
    assert "Someone changed this organization since you opened it" in conflict.text
    trail = await client.get(
        "/api/v1/audit", params={"entity": "organization", "entity_id": metropolis["id"]}
    )
    assert f"<strong>{trail.json()['items'][0]['actor']} changed it at" in conflict.text
    rows = re.findall(r'<th scope="row"[^>]*>([^<]*)</th><td[^>]*>([^<]*)</td>', conflict.text)
    assert ("Acronym", "WAM") in rows and ("Our membership", "Observer") in rows
    assert ("Notes", "Old notes") in rows
    assert conflict.text.count("your change") == 1  # only the notes are mine
    reapply = _hidden(conflict.text)
    assert reapply["version"] == "2" and reapply["notes"] == "Mine"
    assert reapply["acronym"] == "WAM" and reapply["home_membership"] == "observer"
    response = await web.post(f"/organizations/{metropolis['id']}/edit", data=reapply)
    assert response.status_code == 303, response.text
    saved = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert (saved["notes"], saved["acronym"], saved["home_membership"]) == (
        "Mine",
        "WAM",
        "observer",
    )


async def test_archive_and_restore_an_organization(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client, name="Metropolis")
    token = await web_sign_in(web, "editor")
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert "Archive this organization" in page.text
    response = await web.post(
        f"/organizations/{metropolis['id']}/archive", data={"csrf_token": token}
    )
    assert response.status_code == 303
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert "Archived: Metropolis" in page.text and ">Restore</button>" in page.text
    assert f"/organizations/{metropolis['id']}/edit" not in page.text
    assert "Add a member city" not in page.text
    refused = await web.post(
        f"/organizations/{metropolis['id']}/members", data={"csrf_token": token, "city": "Busan"}
    )
    assert refused.status_code == 422
    assert "This organization is archived: restore it before adding" in refused.text
    # Another took its name meanwhile: the restore is refused, with the reason.
    await make_organization(client, name="METROPOLIS")
    refused = await web.post(
        f"/organizations/{metropolis['id']}/restore", data={"csrf_token": token}
    )
    assert refused.status_code == 422
    assert "A live organization has this name or acronym now" in refused.text
    assert (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()["archived_at"]
    await client.patch(f"/api/v1/organizations/{metropolis['id']}", json={"name": "Metropolis 2"})
    response = await web.post(
        f"/organizations/{metropolis['id']}/restore", data={"csrf_token": token}
    )
    assert response.status_code == 303
    restored = (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()
    assert restored["archived_at"] is None
    history = await web.get(f"/history/organization/{metropolis['id']}")
    assert "archived this record" in history.text and "restored this record" in history.text


async def test_add_and_remove_a_member_city(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    await make_city(client, name="Springfield", country_code="US", region="Illinois")
    await make_city(client, name="Springfield", country_code="US", region="Missouri")
    metropolis = await make_organization(client, name="Metropolis")
    token = await web_sign_in(web, "editor")
    url = f"/organizations/{metropolis['id']}/members"
    for data, message, status in (
        ({}, "Choose the member city.", 422),
        ({"city": "Atlantis"}, "No city is called “Atlantis”", 422),
        ({"city": "Springfield"}, "Several cities are called “Springfield”", 422),
        ({"city": "Busan", "since": "1990-13-01"}, "Enter a date (YYYY-MM-DD).", 422),
    ):
        response = await web.post(url, data={"csrf_token": token, **data})
        assert response.status_code == status, (data, response.text)
        assert message in response.text, data
        assert f'value="{data.get("city", "")}"' in response.text  # what was typed is kept
    assert (await client.get(f"/api/v1{url}")).json() == []
    response = await web.post(
        url, data={"csrf_token": token, "city": "busan", "since": "2004-05-01"}
    )
    assert response.status_code == 303, response.text
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert "Busan added to the members." in page.text
    assert (
        f'href="/cities/{busan["id"]}">Busan</a>' in page.text and "since May 1, 2004" in page.text
    )
    again = await web.post(url, data={"csrf_token": token, "city": "Busan (South Korea)"})
    assert again.status_code == 409
    assert "This city is already a member of this organization." in again.text
    city_page = await web.get(f"/cities/{busan['id']}")
    assert f'href="/organizations/{metropolis["id"]}"' in city_page.text
    response = await web.post(f"{url}/{busan['id']}/remove", data={"csrf_token": token})
    assert response.status_code == 303
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert "Busan removed from the members." in page.text
    assert (await client.get(f"/api/v1{url}")).json() == []
    missing = await web.post(f"{url}/{busan['id']}/remove", data={"csrf_token": token})
    assert missing.status_code == 404
    history = await web.get(f"/history/organization/{metropolis['id']}")
    assert "Member cities:" in history.text


async def test_a_viewer_sees_no_edit_button_and_gets_403(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    busan = await make_city(client, name="Busan", country_code="KR")
    metropolis = await make_organization(client, name="Metropolis")
    await client.post(
        f"/api/v1/organizations/{metropolis['id']}/members", json={"city_id": busan["id"]}
    )
    await web_sign_in(web, "viewer")
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert page.status_code == 200 and "Busan" in page.text
    for hidden in ("/edit", "/archive", "/restore", "/members", "Add a member city"):
        assert hidden not in page.text, hidden
    token = csrf_of(page.text)
    assert (await web.get(f"/organizations/{metropolis['id']}/edit")).status_code == 403
    for action in ("edit", "archive", "restore", "members", f"members/{busan['id']}/remove"):
        response = await web.post(
            f"/organizations/{metropolis['id']}/{action}",
            data={"csrf_token": token, "name": "X", "city": "Busan"},
        )
        assert response.status_code == 403, action
    assert (await client.get(f"/api/v1/organizations/{metropolis['id']}")).json()["version"] == 1
    members = await client.get(f"/api/v1/organizations/{metropolis['id']}/members")
    assert len(members.json()) == 1


async def test_the_organization_pages_in_chinese(
    web: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    metropolis = await make_organization(client, name="Metropolis")
    token = await web_sign_in(web, "editor")
    await web.post("/language", data={"csrf_token": token, "language": "zh_Hant_TW", "next": "/"})
    page = await web.get(f"/organizations/{metropolis['id']}")
    assert "封存這個組織" in page.text and "新增會員城市" in page.text
    edit = await web.get(f"/organizations/{metropolis['id']}/edit")
    assert "編輯 Metropolis" in edit.text
    response = await web.post(
        f"/organizations/{metropolis['id']}/members", data={"csrf_token": token}
    )
    assert "請選擇會員城市。" in response.text
